using F = Vision.nn.functional;

namespace Vision.nn;

/// <summary>2-d average pooling (torch.nn.AvgPool2d); the stride defaults to the kernel size.</summary>
public sealed class AvgPool2d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    public AvgPool2d(Pair kernel_size, Pair? stride = null, Pair? padding = null, bool ceil_mode = false, bool count_include_pad = true)
    {
        this.kernel_size = kernel_size;
        this.stride = stride ?? kernel_size;
        this.padding = padding ?? 0;
        this.ceil_mode = ceil_mode;
        this.count_include_pad = count_include_pad;
    }

    /// <summary>The window size.</summary>
    public Pair kernel_size { get; }

    /// <summary>The window step.</summary>
    public Pair stride { get; }

    /// <summary>Implicit zero padding on each side.</summary>
    public Pair padding { get; }

    /// <summary>Whether the output size rounds up.</summary>
    public bool ceil_mode { get; }

    /// <summary>Whether padded zeros count in the divisor.</summary>
    public bool count_include_pad { get; }

    /// <inheritdoc />
    public override string extra_repr() => $"kernel_size={Repr.Size(kernel_size)}, stride={Repr.Size(stride)}, padding={Repr.Size(padding)}";

    /// <inheritdoc />
    public override Tensor forward(Tensor input) =>
        F.avg_pool2d(input, kernel_size.ToArray(), stride.ToArray(), padding.ToArray(), ceil_mode, count_include_pad);
}
