using System.Text.RegularExpressions;
using Vision.Models.Backbones;

namespace Vision.Models.Weights;

/// <summary>
/// The checkpoint layouts Vision recognises: torchvision ResNet, timm ViT, MMPreTrain ResNet and ViT, and the official
/// CAS-ViT. <see cref="PretrainedWeights"/> picks one from the keys when they are not already the model's own.
/// </summary>
public static partial class CheckpointLayouts
{
    /// <summary>Every known layout, in the order <see cref="Detect"/> tries them.</summary>
    public static IReadOnlyList<CheckpointLayout> All { get; } =
    [
        new("torchvision-resnet", "torchvision or timm ResNet (conv1, layer1.0.conv1, fc)",
            keys => keys.Contains("conv1.weight") && keys.Contains("layer1.0.conv1.weight"), KeyMaps.TorchvisionResNet),
        new("timm-vit", "timm VisionTransformer (patch_embed.proj, blocks.N, head)",
            keys => keys.Contains("patch_embed.proj.weight") && keys.Any(k => k.StartsWith("blocks.0.", StringComparison.Ordinal)), KeyMaps.TimmViT),
        new("mmpretrain-resnet", "MMPreTrain ResNet (backbone.conv1, backbone.layer1.0.conv1, head.fc): Vision's own names",
            keys => keys.Contains("backbone.conv1.weight") && keys.Contains("backbone.layer1.0.conv1.weight"), MMPreTrainCommon),
        new("mmpretrain-vit", "MMPreTrain VisionTransformer (backbone.patch_embed.projection, backbone.layers.N.ln1, ffn.layers, head.layers.head)",
            keys => keys.Contains("backbone.patch_embed.projection.weight"), MMPreTrainViT),
        new("casvit", "official CAS-ViT, rcvit_* (patch_embed.N, network.N, norm, head[, dist_head])",
            keys => keys.Contains("patch_embed.0.weight") && keys.Any(k => k.StartsWith("network.", StringComparison.Ordinal)), key => CasViT.OfficialKeyMap(key))
        {
            ImpliedOverrides = keys => new Dictionary<string, string>
            {
                ["distillation"] = keys.Any(k => k.StartsWith("dist_head.", StringComparison.Ordinal)) ? "true" : "false",
            },
        },
    ];

    /// <summary>The layout of a checkpoint with <paramref name="keys"/>, or null when none matches.</summary>
    public static CheckpointLayout? Detect(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var set = keys as IReadOnlySet<string> ?? keys.ToHashSet(StringComparer.Ordinal);
        return All.FirstOrDefault(layout => layout.Matches(set));
    }

    /// <summary>The layout called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No layout has that name (the message lists them).</exception>
    public static CheckpointLayout Get(string name) =>
        All.FirstOrDefault(l => string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown checkpoint key map '{name}'; known: {string.Join(", ", All.Select(l => l.Name))}.", nameof(name));

    // MMEngine keeps the data preprocessor's mean and std with the model in some checkpoints; the model has none.
    private static string? MMPreTrainCommon(string key) =>
        key.StartsWith("data_preprocessor.", StringComparison.Ordinal) ? null : key;

    // MMPreTrain names what timm calls blocks.N.norm1/norm2/mlp.fc1/mlp.fc2 layers.N.ln1/ln2/ffn.layers.0.0/ffn.layers.1,
    // the patch conv patch_embed.projection and the final norm ln1; attention (qkv, proj) and the head match Vision's.
    private static string? MMPreTrainViT(string key)
    {
        if (MMPreTrainCommon(key) is null)
        {
            return null;
        }
        if (key.StartsWith("backbone.patch_embed.projection.", StringComparison.Ordinal))
        {
            return "backbone.patch_embed.proj." + key["backbone.patch_embed.projection.".Length..];
        }
        if (key.StartsWith("backbone.ln1.", StringComparison.Ordinal))
        {
            return "backbone.norm." + key["backbone.ln1.".Length..];
        }
        var match = MMPreTrainBlockKey().Match(key);
        if (!match.Success)
        {
            return key;
        }
        var part = match.Groups["part"].Value switch
        {
            "ln1" => "norm1",
            "ln2" => "norm2",
            "ffn.layers.0.0" => "mlp.fc1",
            "ffn.layers.1" => "mlp.fc2",
            var same => same,
        };
        return $"backbone.blocks.{match.Groups["index"].Value}.{part}.{match.Groups["rest"].Value}";
    }

    [GeneratedRegex(@"^backbone\.layers\.(?<index>\d+)\.(?<part>ln1|ln2|ffn\.layers\.0\.0|ffn\.layers\.1|attn\.qkv|attn\.proj)\.(?<rest>.+)$")]
    private static partial Regex MMPreTrainBlockKey();
}
