using Vision.Analysis;
using static Vision.Native.NativeMethods;

namespace Vision.nn;

/// <summary>
/// torch.nn.functional: stateless layers, activations and losses. Alias it as PyTorch code does:
/// <c>using F = Vision.nn.functional;</c> then <c>F.relu(F.conv2d(x, w, b, padding: 1))</c>.
/// </summary>
public static unsafe class functional
{
    private static IntPtr H(Tensor? t) => t?.Handle ?? IntPtr.Zero;

    private static Tensor Wrap(int status, IntPtr result, Tensor? a = null, Tensor? b = null, Tensor? c = null, Tensor? d = null, Tensor? e = null)
    {
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        GC.KeepAlive(c);
        GC.KeepAlive(d);
        GC.KeepAlive(e);
        return Tensor.Wrap(status, result);
    }

    private static long[] Pair(long[] values, string name) => values.Length switch
    {
        1 => [values[0], values[0]],
        2 => values,
        _ => throw new ArgumentException($"{name} takes 1 or 2 values, got {values.Length}.", name),
    };

    // ---- layers ---------------------------------------------------------------------------------

    /// <summary>2-d convolution of (N, C, H, W) input with (out, C/groups, kH, kW) weight; stride/padding/dilation take 1 or 2 values.</summary>
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor? bias = null, long[]? stride = null, long[]? padding = null, long[]? dilation = null, long groups = 1)
    {
        var s = Pair(stride ?? [1], nameof(stride));
        var p = Pair(padding ?? [0], nameof(padding));
        var d = Pair(dilation ?? [1], nameof(dilation));
        fixed (long* ps = s, pp = p, pd = d)
        {
            var output = Wrap(vt_conv2d(input.Handle, weight.Handle, H(bias), ps, pp, pd, groups, out var r), r, input, weight, bias);
            if (MacCounter.IsCounting)
            {
                // Each output element sums (in_channels / groups) · kH · kW products.
                MacCounter.Add(output.numel() * weight.size(1) * weight.size(2) * weight.size(3), weight);
            }
            return output;
        }
    }

    /// <summary>2-d transposed convolution with (C, out/groups, kH, kW) weight.</summary>
    public static Tensor conv_transpose2d(Tensor input, Tensor weight, Tensor? bias = null, long[]? stride = null, long[]? padding = null,
        long[]? output_padding = null, long groups = 1, long[]? dilation = null)
    {
        var s = Pair(stride ?? [1], nameof(stride));
        var p = Pair(padding ?? [0], nameof(padding));
        var op = Pair(output_padding ?? [0], nameof(output_padding));
        var d = Pair(dilation ?? [1], nameof(dilation));
        fixed (long* ps = s, pp = p, pop = op, pd = d)
        {
            var output = Wrap(vt_conv_transpose2d(input.Handle, weight.Handle, H(bias), ps, pp, pop, groups, pd, out var r), r, input, weight, bias);
            if (MacCounter.IsCounting)
            {
                // Each input element is scattered into (out_channels / groups) · kH · kW outputs.
                MacCounter.Add(input.numel() * weight.size(1) * weight.size(2) * weight.size(3), weight);
            }
            return output;
        }
    }

    /// <summary>input @ weightᵀ + bias.</summary>
    public static Tensor linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        var output = Wrap(vt_linear(input.Handle, weight.Handle, H(bias), out var r), r, input, weight, bias);
        if (MacCounter.IsCounting)
        {
            MacCounter.Add(output.numel() * weight.size(-1), weight);
        }
        return output;
    }

    /// <summary>
    /// Batch normalisation over dim 1. In training, batch statistics are used and the running ones (if given)
    /// are updated with <paramref name="momentum"/> (running = (1 - m) * running + m * batch, unbiased variance).
    /// </summary>
    public static Tensor batch_norm(Tensor input, Tensor? running_mean, Tensor? running_var, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5) =>
        Wrap(vt_batch_norm(input.Handle, H(weight), H(bias), H(running_mean), H(running_var), training ? 1 : 0, momentum, eps, out var r), r,
            input, weight, bias, running_mean, running_var);

    /// <summary>Layer normalisation over the trailing <paramref name="normalized_shape"/> dims.</summary>
    public static Tensor layer_norm(Tensor input, long[] normalized_shape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        fixed (long* p = normalized_shape)
        {
            return Wrap(vt_layer_norm(input.Handle, p, normalized_shape.Length, H(weight), H(bias), eps, out var r), r, input, weight, bias);
        }
    }

    /// <summary>Group normalisation of (N, C, …) input with C divisible by <paramref name="num_groups"/>.</summary>
    public static Tensor group_norm(Tensor input, long num_groups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
        Wrap(vt_group_norm(input.Handle, num_groups, H(weight), H(bias), eps, out var r), r, input, weight, bias);

    /// <summary>Zeros elements with probability <paramref name="p"/> and scales the rest by 1/(1-p) when training.</summary>
    public static Tensor dropout(Tensor input, double p = 0.5, bool training = true)
    {
        if (p is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1].");
        }
        return Wrap(vt_dropout(input.Handle, p, training ? 1 : 0, out var r), r, input);
    }

    /// <summary>
    /// Rows of <paramref name="weight"/> picked by the int64 <paramref name="indices"/>; the row
    /// <paramref name="padding_idx"/> (if given) receives no gradient.
    /// </summary>
    public static Tensor embedding(Tensor indices, Tensor weight, long? padding_idx = null) =>
        Wrap(vt_embedding(weight.Handle, indices.Handle, padding_idx ?? -1, out var r), r, indices, weight);

    /// <summary>
    /// Stochastic depth (timm's <c>drop_path</c>): when training, zeroes whole samples (slices along dim 0) with
    /// probability <paramref name="drop_prob"/> and, with <paramref name="scale_by_keep"/>, scales the kept ones by
    /// 1 / (1 - drop_prob) so the expectation is unchanged. Otherwise returns an alias of the input.
    /// </summary>
    public static Tensor drop_path(Tensor input, double drop_prob = 0, bool training = false, bool scale_by_keep = true, Generator? generator = null)
    {
        if (drop_prob is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(drop_prob), drop_prob, "drop_path probability must be in [0, 1].");
        }
        if (drop_prob == 0 || !training)
        {
            return input.alias();
        }
        var keep = 1 - drop_prob;
        // One draw per sample, broadcast over the other dims.
        var shape = new long[input.dim()];
        Array.Fill(shape, 1L);
        shape[0] = input.size(0);
        using var like = torch.empty(shape, input.dtype, input.device);
        using var mask = torch.bernoulli(like, keep, generator);
        if (keep > 0 && scale_by_keep)
        {
            mask.div_(keep);
        }
        return input.mul(mask);
    }

    // ---- activations ----------------------------------------------------------------------------

    /// <summary>max(x, 0).</summary>
    public static Tensor relu(Tensor input) => input.relu();
    /// <summary>GELU; <paramref name="approximate"/> is "none" (exact, erf) or "tanh".</summary>
    public static Tensor gelu(Tensor input, string approximate = "none") => Wrap(vt_gelu(input.Handle, approximate, out var r), r, input);
    /// <summary>x * sigmoid(x).</summary>
    public static Tensor silu(Tensor input) => Wrap(vt_silu(input.Handle, out var r), r, input);
    /// <summary>x * relu6(x + 3) / 6.</summary>
    public static Tensor hardswish(Tensor input) => Wrap(vt_hardswish(input.Handle, out var r), r, input);
    /// <summary>relu6(x + 3) / 6.</summary>
    public static Tensor hardsigmoid(Tensor input) => Wrap(vt_hardsigmoid(input.Handle, out var r), r, input);
    /// <summary>x for x ≥ 0, slope * x otherwise.</summary>
    public static Tensor leaky_relu(Tensor input, double negative_slope = 0.01) => Wrap(vt_leaky_relu(input.Handle, negative_slope, out var r), r, input);
    /// <summary>x for x &gt; 0, alpha * (exp(x) - 1) otherwise.</summary>
    public static Tensor elu(Tensor input, double alpha = 1) => Wrap(vt_elu(input.Handle, alpha, out var r), r, input);
    /// <summary>log(1 + exp(beta x)) / beta (linear above threshold).</summary>
    public static Tensor softplus(Tensor input, double beta = 1, double threshold = 20) => Wrap(vt_softplus(input.Handle, beta, threshold, out var r), r, input);
    /// <summary>Logistic sigmoid.</summary>
    public static Tensor sigmoid(Tensor input) => input.sigmoid();
    /// <summary>Hyperbolic tangent.</summary>
    public static Tensor tanh(Tensor input) => input.tanh();
    /// <summary>Softmax along <paramref name="dim"/>.</summary>
    public static Tensor softmax(Tensor input, long dim) => input.softmax(dim);
    /// <summary>Log-softmax along <paramref name="dim"/>.</summary>
    public static Tensor log_softmax(Tensor input, long dim) => input.log_softmax(dim);

    // ---- pooling --------------------------------------------------------------------------------

    /// <summary>2-d max pooling; stride defaults to the kernel size.</summary>
    public static Tensor max_pool2d(Tensor input, long[] kernel_size, long[]? stride = null, long[]? padding = null, long[]? dilation = null, bool ceil_mode = false)
    {
        var k = Pair(kernel_size, nameof(kernel_size));
        var s = Pair(stride is null || stride.Length == 0 ? k : stride, nameof(stride));
        var p = Pair(padding ?? [0], nameof(padding));
        var d = Pair(dilation ?? [1], nameof(dilation));
        fixed (long* pk = k, ps = s, pp = p, pd = d)
        {
            return Wrap(vt_max_pool2d(input.Handle, pk, ps, pp, pd, ceil_mode ? 1 : 0, out var r), r, input);
        }
    }

    /// <summary>2-d average pooling; stride defaults to the kernel size.</summary>
    public static Tensor avg_pool2d(Tensor input, long[] kernel_size, long[]? stride = null, long[]? padding = null, bool ceil_mode = false, bool count_include_pad = true)
    {
        var k = Pair(kernel_size, nameof(kernel_size));
        var s = Pair(stride is null || stride.Length == 0 ? k : stride, nameof(stride));
        var p = Pair(padding ?? [0], nameof(padding));
        fixed (long* pk = k, ps = s, pp = p)
        {
            return Wrap(vt_avg_pool2d(input.Handle, pk, ps, pp, ceil_mode ? 1 : 0, count_include_pad ? 1 : 0, out var r), r, input);
        }
    }

    /// <summary>Average pooling to a fixed output size (1 or 2 values).</summary>
    public static Tensor adaptive_avg_pool2d(Tensor input, params long[] output_size)
    {
        var o = Pair(output_size, nameof(output_size));
        fixed (long* po = o)
        {
            return Wrap(vt_adaptive_avg_pool2d(input.Handle, po, out var r), r, input);
        }
    }

    /// <summary>Max pooling to a fixed output size (1 or 2 values).</summary>
    public static Tensor adaptive_max_pool2d(Tensor input, params long[] output_size)
    {
        var o = Pair(output_size, nameof(output_size));
        fixed (long* po = o)
        {
            return Wrap(vt_adaptive_max_pool2d(input.Handle, po, out var r), r, input);
        }
    }

    // ---- resampling, padding, patches -----------------------------------------------------------

    /// <summary>
    /// Resizes (N, C, H, W) input to <paramref name="size"/> or by <paramref name="scale_factor"/> (exactly one is
    /// given; 1 or 2 values), as F.interpolate: the output size is floor(in * scale) and the scale itself sets the
    /// sampling grid. <paramref name="align_corners"/> applies to bilinear/bicubic only; <paramref name="antialias"/>
    /// (bilinear/bicubic) low-pass filters when downsampling, as PIL does.
    /// </summary>
    public static Tensor interpolate(Tensor input, long[]? size = null, double[]? scale_factor = null, InterpolationMode mode = InterpolationMode.Nearest,
        bool? align_corners = null, bool antialias = false)
    {
        if ((size is null) == (scale_factor is null))
        {
            throw new ArgumentException("interpolate: give exactly one of size and scale_factor.");
        }
        if (mode == InterpolationMode.Nearest && (align_corners is not null || antialias))
        {
            throw new ArgumentException("interpolate: align_corners and antialias apply to bilinear and bicubic modes only.");
        }
        var sz = size is null ? null : Pair(size, nameof(size));
        var sc = scale_factor switch
        {
            null => null,
            { Length: 1 } => [scale_factor[0], scale_factor[0]],
            { Length: 2 } => scale_factor,
            _ => throw new ArgumentException($"scale_factor takes 1 or 2 values, got {scale_factor.Length}.", nameof(scale_factor)),
        };
        fixed (long* ps = sz)
        fixed (double* pc = sc)
        {
            return Wrap(vt_interpolate(input.Handle, ps, pc, (int)mode, align_corners == true ? 1 : 0, antialias ? 1 : 0, out var r), r, input);
        }
    }

    /// <summary>
    /// Pads the last dims: <paramref name="pad"/> lists (left, right, top, bottom, …) from the last dim backwards;
    /// <paramref name="mode"/> is "constant", "reflect", "replicate" or "circular".
    /// </summary>
    public static Tensor pad(Tensor input, long[] pad, string mode = "constant", double value = 0)
    {
        fixed (long* p = pad)
        {
            return Wrap(vt_pad(input.Handle, p, pad.Length, mode, value, out var r), r, input);
        }
    }

    /// <summary>Extracts sliding patches of (N, C, H, W) input into (N, C·kH·kW, L) columns (im2col).</summary>
    public static Tensor unfold(Tensor input, long[] kernel_size, long[]? dilation = null, long[]? padding = null, long[]? stride = null)
    {
        var k = Pair(kernel_size, nameof(kernel_size));
        var d = Pair(dilation ?? [1], nameof(dilation));
        var p = Pair(padding ?? [0], nameof(padding));
        var s = Pair(stride ?? [1], nameof(stride));
        fixed (long* pk = k, pd = d, pp = p, ps = s)
        {
            return Wrap(vt_unfold(input.Handle, pk, pd, pp, ps, out var r), r, input);
        }
    }

    /// <summary>One-hot int64 encoding of int64 class indices (-1 infers the class count).</summary>
    public static Tensor one_hot(Tensor indices, long num_classes = -1) => Wrap(vt_one_hot(indices.Handle, num_classes, out var r), r, indices);

    // ---- losses ---------------------------------------------------------------------------------

    /// <summary>
    /// Cross-entropy of logits (N, C, …) against int64 class indices (N, …) or class probabilities shaped like the
    /// input (soft targets, e.g. from Mixup). Optional class <paramref name="weight"/>s, <paramref name="ignore_index"/>
    /// (index targets) and <paramref name="label_smoothing"/> behave as in PyTorch.
    /// </summary>
    public static Tensor cross_entropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean,
        long ignore_index = -100, double label_smoothing = 0)
    {
        if (label_smoothing is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(label_smoothing), label_smoothing, "label_smoothing must be in [0, 1].");
        }
        return Wrap(vt_cross_entropy(input.Handle, target.Handle, H(weight), (long)reduction, ignore_index, label_smoothing, out var r), r, input, target, weight);
    }

    /// <summary>Negative log-likelihood of log-probabilities (N, C, …) against int64 class indices.</summary>
    public static Tensor nll_loss(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, long ignore_index = -100) =>
        Wrap(vt_nll_loss(input.Handle, target.Handle, H(weight), (long)reduction, ignore_index, out var r), r, input, target, weight);

    /// <summary>Binary cross-entropy on logits, computed stably; <paramref name="pos_weight"/> weights positive examples per class.</summary>
    public static Tensor binary_cross_entropy_with_logits(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? pos_weight = null) =>
        Wrap(vt_binary_cross_entropy_with_logits(input.Handle, target.Handle, H(weight), H(pos_weight), (long)reduction, out var r), r, input, target, weight, pos_weight);

    /// <summary>Mean squared error.</summary>
    public static Tensor mse_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Wrap(vt_mse_loss(input.Handle, target.Handle, (long)reduction, out var r), r, input, target);

    /// <summary>Mean absolute error.</summary>
    public static Tensor l1_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Wrap(vt_l1_loss(input.Handle, target.Handle, (long)reduction, out var r), r, input, target);
}
