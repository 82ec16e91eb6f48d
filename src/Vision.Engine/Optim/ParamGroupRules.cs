using System.Globalization;
using System.Text.RegularExpressions;
using static Vision.Engine.OptionChecks;

namespace Vision.Engine.Optim;

/// <summary>
/// Builds param groups from parameter names, like MMEngine's <c>paramwise_cfg</c> (DefaultOptimWrapperConstructor)
/// and MMPreTrain's layer-wise learning-rate decay (LearningRateDecayOptimWrapperConstructor). For each parameter
/// that requires a gradient:
/// <list type="number">
/// <item>If its name contains a key of <see cref="custom_keys"/>, the longest such key (ties: alphabetical first, as
/// MMEngine sorts them) gives lr = lr * lr_mult and weight_decay = weight_decay * decay_mult, and no other rule
/// applies. The name is matched with a leading dot (<c>".cls_token"</c>), so a key <c>".cls_token"</c> matches both
/// a top-level <c>cls_token</c> and <c>backbone.cls_token</c>.</item>
/// <item>Otherwise the weight decay is multiplied by the first rule that applies: <see cref="norm_decay_mult"/> for
/// norm-layer parameters, <see cref="bias_decay_mult"/> for biases (names ending in <c>.bias</c>),
/// <see cref="flat_decay_mult"/> for one-dimensional parameters; and <see cref="bias_lr_mult"/> scales the lr of
/// biases that are not norm-layer parameters.</item>
/// <item>With <see cref="layer_decay_rate"/>, the lr is further multiplied by
/// <c>layer_decay_rate ^ (num_layers + 1 - layer_id)</c> where <see cref="get_layer_id"/> gives the depth
/// (for ViT: patch_embed, cls_token, pos_embed → 0; <c>blocks.N</c> or <c>layers.N</c> → N + 1; anything else, such
/// as the head → num_layers + 1).</item>
/// </list>
/// A parameter is a norm-layer parameter when its name is in <see cref="norm_params"/> or, when that set is not
/// given, when the module holding it has a norm-like name: containing "norm" (norm1, fc_norm, LayerNorm) or being
/// bn/ln/gn with an optional number (bn1). Models that name norm layers otherwise (torchvision's
/// <c>downsample.1</c>) should list them in <see cref="norm_params"/>.
/// Parameters that end up with the same lr and weight decay share one group, in order of first appearance.
/// </summary>
public sealed partial class ParamGroupRules
{
    /// <summary>Name substrings with their multipliers; see the class remarks for matching.</summary>
    public IReadOnlyDictionary<string, CustomKey> custom_keys { get; init; } = new Dictionary<string, CustomKey>();

    /// <summary>Learning-rate factor for biases outside norm layers; null leaves them alone.</summary>
    public double? bias_lr_mult { get; init; }

    /// <summary>Weight-decay factor for biases outside norm layers; null leaves them alone.</summary>
    public double? bias_decay_mult { get; init; }

    /// <summary>Weight-decay factor for norm-layer weights and biases; null leaves them alone.</summary>
    public double? norm_decay_mult { get; init; }

    /// <summary>Weight-decay factor for other one-dimensional parameters (tokens, scales); null leaves them alone.</summary>
    public double? flat_decay_mult { get; init; }

    /// <summary>Per-layer lr decay factor (MMPreTrain's <c>layer_decay_rate</c>); 1 turns layer-wise decay off.</summary>
    public double layer_decay_rate { get; init; } = 1.0;

    /// <summary>The number of transformer blocks, needed for layer-wise decay.</summary>
    public int? num_layers { get; init; }

    /// <summary>Maps a parameter name to its layer id in [0, num_layers + 1]; defaults to <see cref="vit_layer_id"/>.</summary>
    public Func<string, int>? get_layer_id { get; init; }

    /// <summary>The names of norm-layer parameters; when null, names are classified by the heuristic in the class remarks.</summary>
    public IReadOnlySet<string>? norm_params { get; init; }

    /// <summary>
    /// Groups <paramref name="named_parameters"/> (those requiring a gradient) by the rules, starting from the base
    /// <paramref name="lr"/> and <paramref name="weight_decay"/> (usually the optimizer's).
    /// </summary>
    public List<ParamGroup> build(IEnumerable<(string Name, Tensor Param)> named_parameters, double lr, double weight_decay)
    {
        ArgumentNullException.ThrowIfNull(named_parameters);
        Validate();
        var keys = custom_keys.Keys.OrderByDescending(k => k.Length).ThenBy(k => k, StringComparer.Ordinal).ToArray();
        var order = new List<(double Lr, double Wd)>();
        var members = new Dictionary<(double Lr, double Wd), List<Tensor>>();
        foreach (var (name, param) in named_parameters)
        {
            if (!param.requires_grad)
            {
                continue;
            }
            var (lrMult, decayMult) = Multipliers(name, param, keys);
            var scale = layer_decay_rate == 1.0 ? 1.0 : Math.Pow(layer_decay_rate, num_layers!.Value + 1 - LayerId(name));
            var key = (lr * lrMult * scale, weight_decay * decayMult);
            if (!members.TryGetValue(key, out var list))
            {
                members[key] = list = [];
                order.Add(key);
            }
            list.Add(param);
        }
        return order.Select(k => new ParamGroup(members[k], k.Lr, k.Wd)).ToList();
    }

    /// <summary>
    /// The layer id of a ViT parameter (MMPreTrain's <c>VisionTransformer.get_layer_depth</c>): 0 for the patch
    /// embedding, class token and position embedding, N + 1 for block N (<c>blocks.N.</c> as in timm or
    /// <c>layers.N.</c> as in MMPreTrain, under any prefix), and num_layers + 1 for everything else.
    /// </summary>
    public static int vit_layer_id(string name, int num_layers)
    {
        ArgumentNullException.ThrowIfNull(name);
        var segments = name.Split('.');
        if (segments.Any(s => s is "patch_embed" or "cls_token" or "pos_embed"))
        {
            return 0;
        }
        for (var i = 0; i + 1 < segments.Length; i++)
        {
            if (segments[i] is "blocks" or "layers" && int.TryParse(segments[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var block))
            {
                return block + 1;
            }
        }
        return num_layers + 1;
    }

    /// <summary>Whether the module holding parameter <paramref name="name"/> has a norm-layer-like name (see the class remarks).</summary>
    public static bool is_norm_name(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var segments = name.Split('.');
        if (segments.Length < 2)
        {
            return false;
        }
        var module = segments[^2].ToLowerInvariant();
        return module.Contains("norm", StringComparison.Ordinal) || ShortNormName().IsMatch(module);
    }

    [GeneratedRegex("^(bn|ln|gn)[0-9]*$")]
    private static partial Regex ShortNormName();

    private (double LrMult, double DecayMult) Multipliers(string name, Tensor param, string[] keys)
    {
        var dotted = "." + name;
        foreach (var key in keys)
        {
            if (dotted.Contains(key, StringComparison.Ordinal))
            {
                var custom = custom_keys[key];
                return (custom.lr_mult, custom.decay_mult);
            }
        }
        var isNorm = norm_params?.Contains(name) ?? is_norm_name(name);
        var isBias = name == "bias" || name.EndsWith(".bias", StringComparison.Ordinal);
        var lrMult = isBias && !isNorm && bias_lr_mult is { } b ? b : 1.0;
        var decayMult =
            isNorm && norm_decay_mult is { } n ? n
            : isBias && bias_decay_mult is { } bd ? bd
            : param.dim() == 1 && flat_decay_mult is { } f ? f
            : 1.0;
        return (lrMult, decayMult);
    }

    private int LayerId(string name)
    {
        var layers = num_layers!.Value;
        var id = get_layer_id?.Invoke(name) ?? vit_layer_id(name, layers);
        if (id < 0 || id > layers + 1)
        {
            throw new InvalidOperationException($"get_layer_id returned {id} for '{name}', outside [0, num_layers + 1 = {layers + 1}].");
        }
        return id;
    }

    private void Validate()
    {
        foreach (var (key, custom) in custom_keys)
        {
            NonNegative($"custom_keys['{key}'].lr_mult", custom.lr_mult);
            NonNegative($"custom_keys['{key}'].decay_mult", custom.decay_mult);
        }
        NonNegative("bias_lr_mult", bias_lr_mult ?? 0);
        NonNegative("bias_decay_mult", bias_decay_mult ?? 0);
        NonNegative("norm_decay_mult", norm_decay_mult ?? 0);
        NonNegative("flat_decay_mult", flat_decay_mult ?? 0);
        Positive("layer_decay_rate", layer_decay_rate);
        if (layer_decay_rate != 1.0)
        {
            if (num_layers is not { } n)
            {
                throw new ArgumentException("num_layers is required for layer-wise lr decay (layer_decay_rate != 1).");
            }
            NonNegative("num_layers", n);
        }
    }
}
