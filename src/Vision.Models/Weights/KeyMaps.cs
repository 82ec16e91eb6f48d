namespace Vision.Models.Weights;

/// <summary>Key mappings for <see cref="WeightLoadOptions.KeyMap"/>: checkpoint key → model key, or null to drop it.</summary>
public static class KeyMaps
{
    /// <summary>
    /// Rewrites keys by prefix: the first rule whose <c>from</c> starts the key replaces that prefix with <c>to</c>
    /// (an empty <c>from</c> matches every key, so it goes last as a catch-all; a null <c>to</c> drops the key); keys
    /// no rule matches are kept.
    /// </summary>
    public static Func<string, string?> Prefixes(params (string from, string? to)[] rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var copy = rules.ToArray();
        return key =>
        {
            foreach (var (from, to) in copy)
            {
                if (key.StartsWith(from, StringComparison.Ordinal))
                {
                    return to is null ? null : to + key[from.Length..];
                }
            }
            return key;
        };
    }

    /// <summary>
    /// A torchvision or timm ResNet state dict (<c>conv1.weight</c>, <c>layer1.0.bn1.running_mean</c>, <c>fc.weight</c>)
    /// onto an <see cref="ImageClassifier"/> with a ResNet backbone and a <see cref="Heads.LinearClsHead"/>:
    /// <c>fc.*</c> → <c>head.fc.*</c>, everything else → <c>backbone.*</c>.
    /// </summary>
    public static Func<string, string?> TorchvisionResNet { get; } = Prefixes(("fc.", "head.fc."), ("", "backbone."));

    /// <summary>timm's VisionTransformer (head.* → head.layers.head.*, the rest → backbone.*).</summary>
    public static Func<string, string?> TimmViT { get; } = Prefixes(("head.", "head.layers.head."), ("", "backbone."));
}
