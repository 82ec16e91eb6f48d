namespace Vision;

/// <summary>
/// One entry of a tensor index, as in PyTorch's <c>t[0, 1:3, None, ..., mask]</c>: an integer, a slice
/// (a C# <see cref="Range"/> or <see cref="Slice"/>), <see cref="None"/> (new axis), <see cref="Ellipsis"/>,
/// or an index tensor (int64 positions or a bool mask).
/// </summary>
public readonly struct TensorIndex
{
    internal enum Kind { Integer, Slice, None, Ellipsis, Tensor }

    private TensorIndex(Kind kind, long start = 0, long? stop = null, long step = 1, Tensor? tensor = null)
    {
        IndexKind = kind;
        Start = start;
        Stop = stop;
        Step = step;
        Tensor = tensor;
    }

    internal Kind IndexKind { get; }
    internal long Start { get; }
    internal long? Stop { get; }
    internal long Step { get; }
    internal Tensor? Tensor { get; }

    /// <summary>Inserts a dimension of size 1 (Python's None / np.newaxis).</summary>
    public static TensorIndex None { get; } = new(Kind.None);

    /// <summary>Stands for as many full slices as needed (Python's ...).</summary>
    public static TensorIndex Ellipsis { get; } = new(Kind.Ellipsis);

    /// <summary>The slice start:stop:step; a null stop runs to the end; negative values count from the end.</summary>
    public static TensorIndex Slice(long? start = null, long? stop = null, long step = 1) =>
        step <= 0 ? throw new ArgumentOutOfRangeException(nameof(step), step, "slice step must be positive.")
                  : new(Kind.Slice, start ?? 0, stop, step);

    /// <summary>A single position (the dimension is removed).</summary>
    public static implicit operator TensorIndex(long index) => new(Kind.Integer, index);

    /// <summary>A single position (the dimension is removed).</summary>
    public static implicit operator TensorIndex(int index) => new(Kind.Integer, index);

    /// <summary>A C# index as a single position: <c>^1</c> is the last one (Python's -1).</summary>
    public static implicit operator TensorIndex(Index index) =>
        // ^0 is one past the end, so it must fail like any out-of-range position rather than wrap to 0.
        new(Kind.Integer, !index.IsFromEnd ? index.Value : index.Value == 0 ? long.MaxValue : -index.Value);

    /// <summary>A C# range as a slice: <c>1..3</c>, <c>..^1</c>, <c>..</c>.</summary>
    public static implicit operator TensorIndex(Range range)
    {
        long start = !range.Start.IsFromEnd ? range.Start.Value : range.Start.Value == 0 ? long.MaxValue : -range.Start.Value;
        long? stop = range.End.IsFromEnd ? (range.End.Value == 0 ? null : -range.End.Value) : range.End.Value;
        return new(Kind.Slice, start, stop, 1);
    }

    /// <summary>An index tensor (int64 positions) or a bool mask.</summary>
    public static implicit operator TensorIndex(Tensor tensor) => new(Kind.Tensor, tensor: tensor);
}
