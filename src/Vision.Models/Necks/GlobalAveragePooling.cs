using Vision.nn;

namespace Vision.Models.Necks;

/// <summary>
/// MMPreTrain's GlobalAveragePooling neck: averages each (N, C, H, W) feature map over its spatial dims to (N, C);
/// features that are already vectors (N, D), such as a ViT's class token, pass through unchanged.
/// </summary>
public sealed class GlobalAveragePooling : Module<Tensor[], Tensor[]>
{
    /// <inheritdoc />
    public override Tensor[] forward(Tensor[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Select(x => x.dim() switch
        {
            4 => x.mean([2, 3]),
            2 => x.alias(),
            _ => throw new ArgumentException($"GlobalAveragePooling expects (N, C, H, W) or (N, D) features, got shape [{string.Join(", ", x.shape)}].", nameof(input)),
        }).ToArray();
    }
}
