using Vision.nn;

namespace Vision.Models;

/// <summary>The weight initialisation timm uses for transformers (and CAS-ViT copies for its classifier).</summary>
internal static class TimmInit
{
    /// <summary>
    /// Every <see cref="Linear"/> under <paramref name="root"/>: weight from a normal with std 0.02 truncated at ±2
    /// (absolute, so in effect untruncated), bias zero. Small weights keep the residual stream near its input at the start.
    /// </summary>
    public static void TruncNormalLinears(Module root)
    {
        foreach (var linear in root.modules().OfType<Linear>())
        {
            init.trunc_normal_(linear.weight, std: 0.02);
            if (linear.bias is { } bias)
            {
                init.zeros_(bias);
            }
        }
    }
}
