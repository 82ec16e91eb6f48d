using F = Vision.nn.functional;

namespace Vision.nn;

/// <summary>2-d max pooling (torch.nn.MaxPool2d); the stride defaults to the kernel size and padding is -∞.</summary>
public sealed class MaxPool2d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    public MaxPool2d(Pair kernel_size, Pair? stride = null, Pair? padding = null, Pair? dilation = null, bool ceil_mode = false)
    {
        this.kernel_size = kernel_size;
        this.stride = stride ?? kernel_size;
        this.padding = padding ?? 0;
        this.dilation = dilation ?? 1;
        this.ceil_mode = ceil_mode;
    }

    /// <summary>The window size.</summary>
    public Pair kernel_size { get; }

    /// <summary>The window step.</summary>
    public Pair stride { get; }

    /// <summary>Implicit padding on each side.</summary>
    public Pair padding { get; }

    /// <summary>Spacing between window elements.</summary>
    public Pair dilation { get; }

    /// <summary>Whether the output size rounds up (windows may start in the right/bottom padding).</summary>
    public bool ceil_mode { get; }

    /// <inheritdoc />
    public override string extra_repr() => $"kernel_size={Repr.Size(kernel_size)}, stride={Repr.Size(stride)}, padding={Repr.Size(padding)}, dilation={Repr.Size(dilation)}, ceil_mode={Repr.Bool(ceil_mode)}";

    /// <inheritdoc />
    public override Tensor forward(Tensor input) =>
        F.max_pool2d(input, kernel_size.ToArray(), stride.ToArray(), padding.ToArray(), dilation.ToArray(), ceil_mode);
}
