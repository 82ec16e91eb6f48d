namespace Vision.nn;

/// <summary>
/// A (height, width) pair of sizes, as PyTorch's <c>_pair</c>: layer arguments such as <c>kernel_size</c> or
/// <c>stride</c> take one number for both (<c>kernel_size: 3</c>) or a tuple (<c>kernel_size: (1, 7)</c>).
/// </summary>
/// <param name="H">The value for the height (first spatial) dimension.</param>
/// <param name="W">The value for the width (second spatial) dimension.</param>
public readonly record struct Pair(long H, long W)
{
    /// <summary>The same value for both dimensions.</summary>
    public static implicit operator Pair(long value) => new(value, value);

    /// <summary>A (height, width) tuple.</summary>
    public static implicit operator Pair((long H, long W) value) => new(value.H, value.W);

    /// <summary>The pair as the two-element array nn.functional takes.</summary>
    public long[] ToArray() => [H, W];

    /// <summary>PyTorch's notation, e.g. "(3, 3)".</summary>
    public override string ToString() => $"({H}, {W})";
}
