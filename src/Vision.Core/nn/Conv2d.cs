using F = Vision.nn.functional;

namespace Vision.nn;

/// <summary>
/// 2-d convolution over (N, C, H, W) input (torch.nn.Conv2d), with PyTorch's arguments and defaults: weight
/// (out_channels, in_channels / groups, kH, kW) and bias (out_channels) start as U(±1/√fan_in),
/// fan_in = in_channels / groups · kH · kW. Padding is numeric, or "same" / "valid"; <c>padding_mode</c> is
/// "zeros", "reflect", "replicate" or "circular".
/// </summary>
public sealed class Conv2d : Module<Tensor, Tensor>
{
    private static readonly string[] PaddingModes = ["zeros", "reflect", "replicate", "circular"];

    // Padding as F.pad takes it (left, right, top, bottom); "same" with an even kernel pads one more on the right/bottom.
    private readonly long[] pads;

    // "same" or "valid" when padding was given by name (printed as such), else null.
    private readonly string? paddingName;

    /// <summary>Creates the layer with numeric padding (default 0); stride and dilation default to 1.</summary>
    public Conv2d(long in_channels, long out_channels, Pair kernel_size, Pair? stride = null, Pair? padding = null, Pair? dilation = null,
        long groups = 1, bool bias = true, string padding_mode = "zeros", Device? device = null, ScalarType? dtype = null)
        : this(in_channels, out_channels, kernel_size, stride ?? 1, dilation ?? 1, groups, bias, padding_mode, device, dtype,
            SymmetricPads(padding ?? 0), null)
    {
    }

    /// <summary>
    /// Creates the layer with <paramref name="padding"/> "valid" (none) or "same" (output size = input size, stride 1
    /// only; an even kernel pads one more on the right and bottom, as PyTorch).
    /// </summary>
    public Conv2d(long in_channels, long out_channels, Pair kernel_size, string padding, Pair? stride = null, Pair? dilation = null,
        long groups = 1, bool bias = true, string padding_mode = "zeros", Device? device = null, ScalarType? dtype = null)
        : this(in_channels, out_channels, kernel_size, stride ?? 1, dilation ?? 1, groups, bias, padding_mode, device, dtype,
            NamedPads(padding, kernel_size, stride ?? 1, dilation ?? 1), padding)
    {
    }

    private Conv2d(long in_channels, long out_channels, Pair kernel_size, Pair stride, Pair dilation, long groups, bool bias,
        string padding_mode, Device? device, ScalarType? dtype, long[] pads, string? paddingName)
    {
        CheckChannels(in_channels, out_channels, groups);
        if (!PaddingModes.Contains(padding_mode))
        {
            throw new ArgumentException($"padding_mode must be one of {string.Join(", ", PaddingModes)}, got '{padding_mode}'.", nameof(padding_mode));
        }
        this.in_channels = in_channels;
        this.out_channels = out_channels;
        this.kernel_size = kernel_size;
        this.stride = stride;
        this.dilation = dilation;
        this.groups = groups;
        this.padding_mode = padding_mode;
        this.pads = pads;
        this.paddingName = paddingName;
        var type = dtype ?? torch.float32;
        register_parameter("weight", torch.empty([out_channels, in_channels / groups, kernel_size.H, kernel_size.W], type, device));
        register_parameter("bias", bias ? torch.empty([out_channels], type, device) : null);
        reset_parameters();
    }

    /// <summary>Checks the channel counts against <paramref name="groups"/> as PyTorch's convolution layers do.</summary>
    internal static void CheckChannels(long in_channels, long out_channels, long groups)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(groups);
        ArgumentOutOfRangeException.ThrowIfNegative(in_channels);
        ArgumentOutOfRangeException.ThrowIfNegative(out_channels);
        if (in_channels % groups != 0)
        {
            throw new ArgumentException($"in_channels ({in_channels}) must be divisible by groups ({groups}).", nameof(in_channels));
        }
        if (out_channels % groups != 0)
        {
            throw new ArgumentException($"out_channels ({out_channels}) must be divisible by groups ({groups}).", nameof(out_channels));
        }
    }

    /// <summary>PyTorch's <c>_ConvNd.extra_repr</c>: settings at their defaults are left out.</summary>
    internal static string ConvRepr(long inChannels, long outChannels, Pair kernel, Pair stride, string? padding, Pair dilation,
        Pair? outputPadding, long groups, bool hasBias, string paddingMode)
    {
        var text = new System.Text.StringBuilder($"{inChannels}, {outChannels}, kernel_size={kernel}, stride={stride}");
        if (padding is not null)
        {
            text.Append($", padding={padding}");
        }
        if (dilation != new Pair(1, 1))
        {
            text.Append($", dilation={dilation}");
        }
        if (outputPadding is { } op && op != new Pair(0, 0))
        {
            text.Append($", output_padding={op}");
        }
        if (groups != 1)
        {
            text.Append($", groups={groups}");
        }
        if (!hasBias)
        {
            text.Append(", bias=False");
        }
        if (paddingMode != "zeros")
        {
            text.Append($", padding_mode={paddingMode}");
        }
        return text.ToString();
    }

    private static long[] SymmetricPads(Pair p) => [p.W, p.W, p.H, p.H];

    private static long[] NamedPads(string padding, Pair kernel, Pair stride, Pair dilation)
    {
        switch (padding)
        {
            case "valid":
                return [0, 0, 0, 0];
            case "same" when stride != new Pair(1, 1):
                throw new ArgumentException($"padding='same' is not supported for strided convolutions (stride {stride}).", nameof(padding));
            case "same":
                var totalH = dilation.H * (kernel.H - 1);
                var totalW = dilation.W * (kernel.W - 1);
                return [totalW / 2, totalW - totalW / 2, totalH / 2, totalH - totalH / 2];
            default:
                throw new ArgumentException($"padding must be a number, a pair, 'same' or 'valid', got '{padding}'.", nameof(padding));
        }
    }

    /// <summary>Input channels.</summary>
    public long in_channels { get; }

    /// <summary>Output channels.</summary>
    public long out_channels { get; }

    /// <summary>Kernel size (kH, kW).</summary>
    public Pair kernel_size { get; }

    /// <summary>Stride.</summary>
    public Pair stride { get; }

    /// <summary>Padding added at the top and left (for "same" with an even kernel the bottom and right get one more).</summary>
    public Pair padding => new(pads[2], pads[0]);

    /// <summary>Dilation.</summary>
    public Pair dilation { get; }

    /// <summary>Number of channel groups (in_channels for a depthwise convolution).</summary>
    public long groups { get; }

    /// <summary>How the border is padded: "zeros", "reflect", "replicate" or "circular".</summary>
    public string padding_mode { get; }

    /// <summary>The weight, (out_channels, in_channels / groups, kH, kW).</summary>
    public Tensor weight => GetParameter("weight")!;

    /// <summary>The bias, (out_channels), or null.</summary>
    public Tensor? bias => GetParameter("bias");

    /// <summary>Re-draws weight and bias as the constructor does, from <paramref name="generator"/> if given.</summary>
    public void reset_parameters(Generator? generator = null) => init.default_layer_init(weight, bias, generator);

    /// <inheritdoc />
    public override string extra_repr() => ConvRepr(in_channels, out_channels, kernel_size, stride, paddingName ?? (padding == new Pair(0, 0) ? null : padding.ToString()), dilation, null, groups, bias is not null, padding_mode);

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var symmetric = pads[0] == pads[1] && pads[2] == pads[3];
        if (padding_mode == "zeros" && symmetric)
        {
            return F.conv2d(input, weight, bias, stride.ToArray(), padding.ToArray(), dilation.ToArray(), groups);
        }
        using var padded = F.pad(input, pads, padding_mode == "zeros" ? "constant" : padding_mode);
        return F.conv2d(padded, weight, bias, stride.ToArray(), [0], dilation.ToArray(), groups);
    }
}
