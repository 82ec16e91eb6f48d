using F = Vision.nn.functional;

namespace Vision.nn;

/// <summary>The Gaussian error linear unit x · Φ(x) elementwise (torch.nn.GELU), exact or with the tanh approximation.</summary>
public sealed class GELU : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer; <paramref name="approximate"/> is "none" (exact, with erf) or "tanh".</summary>
    /// <exception cref="ArgumentException"><paramref name="approximate"/> is neither.</exception>
    public GELU(string approximate = "none")
    {
        if (approximate is not ("none" or "tanh"))
        {
            throw new ArgumentException($"GELU approximate must be 'none' or 'tanh', got '{approximate}'.", nameof(approximate));
        }
        this.approximate = approximate;
    }

    /// <summary>"none" or "tanh".</summary>
    public string approximate { get; }

    /// <inheritdoc />
    public override string extra_repr() => $"approximate='{approximate}'";

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => F.gelu(input, approximate);
}
