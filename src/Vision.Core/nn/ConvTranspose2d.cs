using F = Vision.nn.functional;

namespace Vision.nn;

/// <summary>
/// 2-d transposed convolution (torch.nn.ConvTranspose2d), the gradient of Conv2d with respect to its input: output
/// size (in - 1)·stride - 2·padding + dilation·(k - 1) + output_padding + 1. Weight (in_channels,
/// out_channels / groups, kH, kW) and bias start as PyTorch's: U(±1/√fan_in), fan_in = out_channels / groups · kH · kW.
/// </summary>
public sealed class ConvTranspose2d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer; stride and dilation default to 1, padding and output_padding to 0.</summary>
    public ConvTranspose2d(long in_channels, long out_channels, Pair kernel_size, Pair? stride = null, Pair? padding = null,
        Pair? output_padding = null, long groups = 1, bool bias = true, Pair? dilation = null, Device? device = null, ScalarType? dtype = null)
    {
        Conv2d.CheckChannels(in_channels, out_channels, groups);
        this.in_channels = in_channels;
        this.out_channels = out_channels;
        this.kernel_size = kernel_size;
        this.stride = stride ?? 1;
        this.padding = padding ?? 0;
        this.output_padding = output_padding ?? 0;
        this.groups = groups;
        this.dilation = dilation ?? 1;
        var type = dtype ?? torch.float32;
        register_parameter("weight", torch.empty([in_channels, out_channels / groups, kernel_size.H, kernel_size.W], type, device));
        register_parameter("bias", bias ? torch.empty([out_channels], type, device) : null);
        reset_parameters();
    }

    /// <summary>Input channels.</summary>
    public long in_channels { get; }

    /// <summary>Output channels.</summary>
    public long out_channels { get; }

    /// <summary>Kernel size (kH, kW).</summary>
    public Pair kernel_size { get; }

    /// <summary>Stride.</summary>
    public Pair stride { get; }

    /// <summary>Implicit zero padding removed from both sides of the output (dilation·(k - 1) - padding is added to the input).</summary>
    public Pair padding { get; }

    /// <summary>Extra size added to one side of the output, to pick among the sizes a strided Conv2d maps to the same size.</summary>
    public Pair output_padding { get; }

    /// <summary>Number of channel groups.</summary>
    public long groups { get; }

    /// <summary>Dilation.</summary>
    public Pair dilation { get; }

    /// <summary>The weight, (in_channels, out_channels / groups, kH, kW).</summary>
    public Tensor weight => GetParameter("weight")!;

    /// <summary>The bias, (out_channels), or null.</summary>
    public Tensor? bias => GetParameter("bias");

    /// <summary>Re-draws weight and bias as the constructor does, from <paramref name="generator"/> if given.</summary>
    public void reset_parameters(Generator? generator = null) => init.default_layer_init(weight, bias, generator);

    /// <inheritdoc />
    public override string extra_repr() => Conv2d.ConvRepr(in_channels, out_channels, kernel_size, stride, padding == new Pair(0, 0) ? null : padding.ToString(), dilation, output_padding, groups, bias is not null, "zeros");

    /// <inheritdoc />
    public override Tensor forward(Tensor input) =>
        F.conv_transpose2d(input, weight, bias, stride.ToArray(), padding.ToArray(), output_padding.ToArray(), groups, dilation.ToArray());
}
