using Vision.Models.Registry;

namespace Vision.Models.Segmentation.Sam;

/// <summary>The published Segment Anything variants in the <see cref="ModelRegistry"/>.</summary>
public sealed class SamModels : IModelFamily
{
    private SamModels()
    {
    }

    /// <summary>
    /// Registers <c>sam_vit_b</c>, <c>sam_vit_l</c> and <c>sam_vit_h</c> (alias <c>sam</c>, the official default).
    /// They are built at the official 1024-pixel input whatever <see cref="ModelOptions.ImageSize"/> says: the
    /// checkpoints' position embeddings and relative position tables fix it.
    /// </summary>
    static void IModelFamily.RegisterModels()
    {
        ModelRegistry.Register("sam_vit_b", _ => new Sam(SamConfig.VitB), "Segment Anything ViT-B (segment-anything sam_vit_b_01ec64.pth)");
        ModelRegistry.Register("sam_vit_l", _ => new Sam(SamConfig.VitL), "Segment Anything ViT-L (segment-anything sam_vit_l_0b3195.pth)");
        ModelRegistry.Register("sam_vit_h", _ => new Sam(SamConfig.VitH), "Segment Anything ViT-H (segment-anything sam_vit_h_4b8939.pth)", "sam");
    }
}
