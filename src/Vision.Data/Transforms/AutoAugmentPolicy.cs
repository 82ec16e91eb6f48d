namespace Vision.Data.Transforms;

/// <summary>The AutoAugment policies of timm (<see cref="AutoAugment"/>).</summary>
public enum AutoAugmentPolicy
{
    /// <summary>The ImageNet policy of the AutoAugment paper (torchvision's AutoAugmentPolicy.IMAGENET; timm's "original").</summary>
    Original = 0,

    /// <summary>The ImageNet policy with the posterize variant of Google's research code, where more bits go as magnitude grows (timm's "originalr").</summary>
    OriginalR = 1,

    /// <summary>The ImageNet policy of the TPU EfficientNet code (timm's "v0").</summary>
    V0 = 2,

    /// <summary>V0 with the research posterize variant (timm's "v0r").</summary>
    V0R = 3,
}
