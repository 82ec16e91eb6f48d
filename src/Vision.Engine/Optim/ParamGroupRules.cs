using System.Globalization;
using System.Text.RegularExpressions;
using static Vision.Engine.OptionChecks;

namespace Vision.Engine.Optim;

/// <summary>
/// Builds param groups from parameter names, like MMEngine's <c>paramwise_cfg</c> (DefaultOptimWrapperConstructor)
/// and MMPreTrain's layer-wise learning-rate decay (LearningRateDecayOptimWrapperConstructor). For each parameter
/// that requires a gradient:
/// <list type="number">
/// <item>If its name contains a key of <see cref="CustomKeys"/>, the longest such key (ties: alphabetical first, as
/// MMEngine sorts them) gives lr = lr * LrMult and weight_decay = weight_decay * DecayMult, and no other rule
/// applies. The name is matched with a leading dot (<c>".cls_token"</c>), so a key <c>".cls_token"</c> matches both
/// a top-level <c>cls_token</c> and <c>backbone.cls_token</c>.</item>
/// <item>Otherwise the weight decay is multiplied by the first rule that applies: <see cref="NormDecayMult"/> for
/// norm-layer parameters, <see cref="BiasDecayMult"/> for biases (names ending in <c>.bias</c>),
/// <see cref="FlatDecayMult"/> for one-dimensional parameters; and <see cref="BiasLrMult"/> scales the lr of
/// biases that are not norm-layer parameters.</item>
/// <item>With <see cref="LayerDecayRate"/>, the lr is further multiplied by
/// <c>LayerDecayRate ^ (NumLayers + 1 - layer_id)</c> where <see cref="GetLayerId"/> gives the depth
/// (for ViT: patch_embed, cls_token, pos_embed → 0; <c>blocks.N</c> or <c>layers.N</c> → N + 1; anything else, such
/// as the head → NumLayers + 1).</item>
/// </list>
/// A parameter is a norm-layer parameter when its name is in <see cref="NormParams"/> or, when that set is not
/// given, when the module holding it has a norm-like name: containing "norm" (norm1, fc_norm, LayerNorm) or being
/// bn/ln/gn with an optional number (bn1). Models that name norm layers otherwise (torchvision's
/// <c>downsample.1</c>) should list them in <see cref="NormParams"/>.
/// Parameters that end up with the same lr and weight decay share one group, in order of first appearance.
/// </summary>
public sealed partial class ParamGroupRules
{
    /// <summary>Name substrings with their multipliers; see the class remarks for matching.</summary>
    public IReadOnlyDictionary<string, CustomKey> CustomKeys { get; init; } = new Dictionary<string, CustomKey>();

    /// <summary>Learning-rate factor for biases outside norm layers; null leaves them alone.</summary>
    public double? BiasLrMult { get; init; }

    /// <summary>Weight-decay factor for biases outside norm layers; null leaves them alone.</summary>
    public double? BiasDecayMult { get; init; }

    /// <summary>Weight-decay factor for norm-layer weights and biases; null leaves them alone.</summary>
    public double? NormDecayMult { get; init; }

    /// <summary>Weight-decay factor for other one-dimensional parameters (tokens, scales); null leaves them alone.</summary>
    public double? FlatDecayMult { get; init; }

    /// <summary>Per-layer lr decay factor (MMPreTrain's <c>LayerDecayRate</c>); 1 turns layer-wise decay off.</summary>
    public double LayerDecayRate { get; init; } = 1.0;

    /// <summary>The number of transformer blocks, needed for layer-wise decay.</summary>
    public int? NumLayers { get; init; }

    /// <summary>Maps a parameter name to its layer id in [0, NumLayers + 1]; defaults to <see cref="VitLayerId"/>.</summary>
    public Func<string, int>? GetLayerId { get; init; }

    /// <summary>The names of norm-layer parameters; when null, names are classified by the heuristic in the class remarks.</summary>
    public IReadOnlySet<string>? NormParams { get; init; }

    /// <summary>
    /// Groups <paramref name="namedParameters"/> (those requiring a gradient) by the rules, starting from the base
    /// <paramref name="lr"/> and <paramref name="weightDecay"/> (usually the optimizer's).
    /// </summary>
    public List<ParamGroup> Build(IEnumerable<(string Name, Tensor Param)> namedParameters, double lr, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(namedParameters);
        Validate();
        var keys = CustomKeys.Keys.OrderByDescending(k => k.Length).ThenBy(k => k, StringComparer.Ordinal).ToArray();
        var order = new List<(double Lr, double Wd)>();
        var members = new Dictionary<(double Lr, double Wd), List<Tensor>>();
        foreach (var (name, param) in namedParameters)
        {
            if (!param.requires_grad)
            {
                continue;
            }
            var (lrMult, decayMult) = Multipliers(name, param, keys);
            var scale = LayerDecayRate == 1.0 ? 1.0 : Math.Pow(LayerDecayRate, NumLayers!.Value + 1 - LayerId(name));
            var key = (lr * lrMult * scale, weightDecay * decayMult);
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
    /// <c>layers.N.</c> as in MMPreTrain, under any prefix), and NumLayers + 1 for everything else.
    /// </summary>
    public static int VitLayerId(string name, int numLayers)
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
        return numLayers + 1;
    }

    /// <summary>Whether the module holding parameter <paramref name="name"/> has a norm-layer-like name (see the class remarks).</summary>
    public static bool IsNormName(string name)
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
                var custom = CustomKeys[key];
                return (custom.LrMult, custom.DecayMult);
            }
        }
        var isNorm = NormParams?.Contains(name) ?? IsNormName(name);
        var isBias = name == "bias" || name.EndsWith(".bias", StringComparison.Ordinal);
        var lrMult = isBias && !isNorm && BiasLrMult is { } b ? b : 1.0;
        var decayMult =
            isNorm && NormDecayMult is { } n ? n
            : isBias && BiasDecayMult is { } bd ? bd
            : param.dim() == 1 && FlatDecayMult is { } f ? f
            : 1.0;
        return (lrMult, decayMult);
    }

    private int LayerId(string name)
    {
        var layers = NumLayers!.Value;
        var id = GetLayerId?.Invoke(name) ?? VitLayerId(name, layers);
        if (id < 0 || id > layers + 1)
        {
            throw new InvalidOperationException($"get_layer_id returned {id} for '{name}', outside [0, num_layers + 1 = {layers + 1}].");
        }
        return id;
    }

    private void Validate()
    {
        foreach (var (key, custom) in CustomKeys)
        {
            NonNegative($"custom_keys['{key}'].lr_mult", custom.LrMult);
            NonNegative($"custom_keys['{key}'].decay_mult", custom.DecayMult);
        }
        NonNegative("bias_lr_mult", BiasLrMult ?? 0);
        NonNegative("bias_decay_mult", BiasDecayMult ?? 0);
        NonNegative("norm_decay_mult", NormDecayMult ?? 0);
        NonNegative("flat_decay_mult", FlatDecayMult ?? 0);
        Positive("layer_decay_rate", LayerDecayRate);
        if (LayerDecayRate != 1.0)
        {
            if (NumLayers is not { } n)
            {
                throw new ArgumentException("num_layers is required for layer-wise lr decay (layer_decay_rate != 1).");
            }
            NonNegative("num_layers", n);
        }
    }
}
