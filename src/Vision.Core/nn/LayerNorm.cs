using F = Vision.nn.functional;

namespace Vision.nn;

/// <summary>
/// Layer normalisation over the trailing <c>normalized_shape</c> dimensions (torch.nn.LayerNorm), with an
/// elementwise scale (ones) and shift (zeros) of that shape when <c>elementwise_affine</c>.
/// </summary>
public sealed class LayerNorm : Module<Tensor, Tensor>
{
    /// <summary>Normalises over the last dimension, of size <paramref name="normalized_shape"/>.</summary>
    public LayerNorm(long normalized_shape, double eps = 1e-5, bool elementwise_affine = true, Device? device = null, ScalarType? dtype = null)
        : this([normalized_shape], eps, elementwise_affine, device, dtype)
    {
    }

    /// <summary>Normalises over the last <c>normalized_shape.Length</c> dimensions, which must have these sizes.</summary>
    public LayerNorm(long[] normalized_shape, double eps = 1e-5, bool elementwise_affine = true, Device? device = null, ScalarType? dtype = null)
    {
        if (normalized_shape.Length == 0 || normalized_shape.Any(d => d <= 0))
        {
            throw new ArgumentException($"normalized_shape must list at least one positive size, got [{string.Join(", ", normalized_shape)}].", nameof(normalized_shape));
        }
        this.normalized_shape = [.. normalized_shape];
        this.eps = eps;
        this.elementwise_affine = elementwise_affine;
        var type = dtype ?? torch.float32;
        register_parameter("weight", elementwise_affine ? torch.ones(normalized_shape, type, device) : null);
        register_parameter("bias", elementwise_affine ? torch.zeros(normalized_shape, type, device) : null);
    }

    /// <summary>The sizes of the normalised trailing dimensions.</summary>
    public IReadOnlyList<long> normalized_shape { get; }

    /// <summary>Added to the variance for numerical stability.</summary>
    public double eps { get; }

    /// <summary>Whether the layer has a learnable elementwise scale and shift.</summary>
    public bool elementwise_affine { get; }

    /// <summary>The scale, shaped like normalized_shape, or null.</summary>
    public Tensor? weight => GetParameter("weight");

    /// <summary>The shift, shaped like normalized_shape, or null.</summary>
    public Tensor? bias => GetParameter("bias");

    /// <inheritdoc />
    public override string extra_repr() => $"{Repr.Tuple([.. normalized_shape])}, eps={Repr.Float(eps)}, elementwise_affine={Repr.Bool(elementwise_affine)}";

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => F.layer_norm(input, [.. normalized_shape], weight, bias, eps);
}
