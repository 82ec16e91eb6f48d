namespace Vision.nn;

/// <summary>
/// torch.nn.init: in-place initialisers with PyTorch's formulas and defaults. They run without recording
/// gradients, so they apply to parameters directly, and return the tensor they filled. Random ones draw from
/// <c>generator</c> when given, else from the global generator (seeded by <c>torch.manual_seed</c>).
/// </summary>
public static class init
{
    /// <summary>
    /// The recommended gain for a nonlinearity: 1 for "linear", "conv1d/2d/3d", "conv_transpose1d/2d/3d" and
    /// "sigmoid"; 5/3 for "tanh"; √2 for "relu"; √(2 / (1 + slope²)) for "leaky_relu" (slope <paramref name="param"/>,
    /// default 0.01); 3/4 for "selu".
    /// </summary>
    /// <exception cref="ArgumentException">The nonlinearity is not one of these.</exception>
    public static double calculate_gain(string nonlinearity, double? param = null) => nonlinearity switch
    {
        "linear" or "conv1d" or "conv2d" or "conv3d" or "conv_transpose1d" or "conv_transpose2d" or "conv_transpose3d" or "sigmoid" => 1,
        "tanh" => 5.0 / 3,
        "relu" => Math.Sqrt(2),
        "leaky_relu" => Math.Sqrt(2 / (1 + Math.Pow(param ?? 0.01, 2))),
        "selu" => 3.0 / 4,
        _ => throw new ArgumentException(
            $"Unsupported nonlinearity '{nonlinearity}': expected linear, conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d, sigmoid, tanh, relu, leaky_relu or selu.",
            nameof(nonlinearity)),
    };

    /// <summary>
    /// Fan-in and fan-out of a weight of shape (out, in, *kernel): in · ∏kernel and out · ∏kernel (PyTorch's
    /// <c>_calculate_fan_in_and_fan_out</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The tensor has fewer than 2 dimensions.</exception>
    public static (long fan_in, long fan_out) calculate_fan_in_and_fan_out(Tensor tensor)
    {
        var shape = tensor.shape;
        if (shape.Length < 2)
        {
            throw new ArgumentException($"Fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions (shape [{string.Join(", ", shape)}]).", nameof(tensor));
        }
        long receptive = 1;
        for (var i = 2; i < shape.Length; i++)
        {
            receptive *= shape[i];
        }
        return (shape[1] * receptive, shape[0] * receptive);
    }

    /// <summary>Fills with samples from U(<paramref name="a"/>, <paramref name="b"/>).</summary>
    public static Tensor uniform_(Tensor tensor, double a = 0, double b = 1, Generator? generator = null)
    {
        using (torch.no_grad())
        {
            return tensor.uniform_(a, b, generator);
        }
    }

    /// <summary>Fills with samples from N(<paramref name="mean"/>, <paramref name="std"/>²).</summary>
    public static Tensor normal_(Tensor tensor, double mean = 0, double std = 1, Generator? generator = null)
    {
        using (torch.no_grad())
        {
            return tensor.normal_(mean, std, generator);
        }
    }

    /// <summary>Fills with <paramref name="val"/>.</summary>
    public static Tensor constant_(Tensor tensor, double val)
    {
        using (torch.no_grad())
        {
            return tensor.fill_(val);
        }
    }

    /// <summary>Fills with zeros.</summary>
    public static Tensor zeros_(Tensor tensor) => constant_(tensor, 0);

    /// <summary>Fills with ones.</summary>
    public static Tensor ones_(Tensor tensor) => constant_(tensor, 1);

    /// <summary>Glorot uniform: U(-a, a) with a = gain · √(6 / (fan_in + fan_out)).</summary>
    public static Tensor xavier_uniform_(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        var bound = Math.Sqrt(3) * XavierStd(tensor, gain);
        return uniform_(tensor, -bound, bound, generator);
    }

    /// <summary>Glorot normal: N(0, std²) with std = gain · √(2 / (fan_in + fan_out)).</summary>
    public static Tensor xavier_normal_(Tensor tensor, double gain = 1, Generator? generator = null) =>
        normal_(tensor, 0, XavierStd(tensor, gain), generator);

    private static double XavierStd(Tensor tensor, double gain)
    {
        var (fanIn, fanOut) = calculate_fan_in_and_fan_out(tensor);
        return gain * Math.Sqrt(2.0 / (fanIn + fanOut));
    }

    /// <summary>
    /// He uniform: U(-bound, bound) with bound = √3 · gain / √fan, where fan is fan_in or fan_out
    /// (<paramref name="mode"/>) and gain = <see cref="calculate_gain"/>(<paramref name="nonlinearity"/>, <paramref name="a"/>);
    /// <paramref name="a"/> is the negative slope of a following leaky ReLU.
    /// </summary>
    /// <exception cref="ArgumentException">The mode or nonlinearity is unknown, or the tensor has fewer than 2 dimensions.</exception>
    public static Tensor kaiming_uniform_(Tensor tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null)
    {
        var bound = Math.Sqrt(3) * KaimingStd(tensor, a, mode, nonlinearity);
        return uniform_(tensor, -bound, bound, generator);
    }

    /// <summary>He normal: N(0, std²) with std = gain / √fan (see <see cref="kaiming_uniform_"/>).</summary>
    /// <exception cref="ArgumentException">The mode or nonlinearity is unknown, or the tensor has fewer than 2 dimensions.</exception>
    public static Tensor kaiming_normal_(Tensor tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null) =>
        normal_(tensor, 0, KaimingStd(tensor, a, mode, nonlinearity), generator);

    private static double KaimingStd(Tensor tensor, double a, string mode, string nonlinearity)
    {
        var (fanIn, fanOut) = calculate_fan_in_and_fan_out(tensor);
        var fan = mode switch
        {
            "fan_in" => fanIn,
            "fan_out" => fanOut,
            _ => throw new ArgumentException($"Mode '{mode}' is not supported: use fan_in or fan_out.", nameof(mode)),
        };
        var gain = calculate_gain(nonlinearity, a);
        // A zero-element tensor has nothing to fill (PyTorch warns and returns); avoid an infinite bound.
        return fan == 0 ? 0 : gain / Math.Sqrt(fan);
    }

    /// <summary>
    /// Samples from N(<paramref name="mean"/>, <paramref name="std"/>²) truncated to [<paramref name="a"/>, <paramref name="b"/>]
    /// (absolute bounds, as PyTorch and timm's <c>trunc_normal_</c>), by inverse-CDF sampling: the same draws as
    /// PyTorch for the same generator state.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="a"/> is not below <paramref name="b"/>, or <paramref name="std"/> is not positive.</exception>
    public static Tensor trunc_normal_(Tensor tensor, double mean = 0, double std = 1, double a = -2, double b = 2, Generator? generator = null)
    {
        if (!(a < b))
        {
            throw new ArgumentException($"trunc_normal_ needs a < b, got a = {a}, b = {b}.", nameof(a));
        }
        if (!(std > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(std), std, "trunc_normal_ needs a positive std.");
        }
        var lower = NormalCdf((a - mean) / std);
        var upper = NormalCdf((b - mean) / std);
        using (torch.no_grad())
        {
            // Uniform on the truncated CDF range mapped back through the inverse CDF, Φ⁻¹(p) = √2 · erfinv(2p - 1).
            tensor.uniform_(2 * lower - 1, 2 * upper - 1, generator);
            tensor.erfinv_();
            tensor.mul_(std * Math.Sqrt(2));
            tensor.add_(mean);
            return tensor.clamp_(a, b);
        }
    }

    private static double NormalCdf(double x)
    {
        // .NET has no erf; libtorch's double-precision one is the function PyTorch uses here.
        using var t = torch.tensor(x / Math.Sqrt(2), torch.float64);
        using var e = t.erf();
        return (1 + e.item<double>()) / 2;
    }

    /// <summary>
    /// The default initialisation of Linear and convolution layers: weight from <see cref="kaiming_uniform_"/> with
    /// a = √5 (i.e. U(±1/√fan_in)), bias from U(±1/√fan_in).
    /// </summary>
    internal static void default_layer_init(Tensor weight, Tensor? bias, Generator? generator)
    {
        kaiming_uniform_(weight, Math.Sqrt(5), generator: generator);
        if (bias is not null)
        {
            var (fanIn, _) = calculate_fan_in_and_fan_out(weight);
            var bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
            uniform_(bias, -bound, bound, generator);
        }
    }
}
