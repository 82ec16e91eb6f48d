using Vision.Data.Image;
using Vision.Data.Transforms;

namespace Vision.Data.Tests.Transforms;

/// <summary>Constructors reject bad parameters with messages that name the parameter and the value.</summary>
public sealed class ValidationTests
{
    private static void Rejects(Func<object> create, string parameter, params string[] fragments)
    {
        var e = Assert.ThrowsAny<ArgumentException>(create);
        Assert.Equal(parameter, e.ParamName);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, e.Message);
        }
    }

    [Fact]
    public void GeometryTransforms()
    {
        Rejects(() => new RandomResizedCrop(224, scale: (0.9, 0.1)), "scale", "min ≤ max", "(0.9, 0.1)");
        Rejects(() => new RandomResizedCrop(224, scale: (0.0, 1.0)), "scale", "(0, 1]", "(0, 1)");
        Rejects(() => new RandomResizedCrop(224, scale: (0.5, 1.5)), "scale", "(0.5, 1.5)");
        Rejects(() => new RandomResizedCrop(224, ratio: (4.0 / 3, 3.0 / 4)), "ratio", "min ≤ max");
        Rejects(() => new RandomResizedCrop(0), "height", "0");
        Rejects(() => new Resize(-3), "size", "-3");
        Rejects(() => new Resize(10, 0), "width");
        Rejects(() => new ResizeEdge(0), "scale");
        Rejects(() => new CenterCrop(0), "height");
        Rejects(() => new Pad([1, 2, 3]), "padding", "1, 2 or 4 values, got 3");
        Rejects(() => new Pad(-1), "padding", "[-1]");
        Rejects(() => new Pad(1, PaddingMode.Constant, 1, 2, 3, 4, 5), "fill", "got 5");
        Rejects(() => new RandomFlip(1.5), "probability", "1.5");
    }

    [Fact]
    public void ColourTransforms()
    {
        Rejects(() => new ColorJitter(brightness: -0.1), "brightness", "non-negative", "-0.1");
        Rejects(() => new ColorJitter(hue: 0.6), "hue", "[-0.5, 0.5]", "(-0.6, 0.6)");
        Rejects(() => new ColorJitter(brightness: (1.2, 0.8), contrast: null, saturation: null, hue: null), "brightness", "(1.2, 0.8)");
        Rejects(() => new ColorJitter(brightness: null, contrast: (-1.0, 1.0), saturation: null, hue: null), "contrast", "(-1, 1)");
        Rejects(() => new RandomGrayscale(-0.5), "probability", "-0.5");
    }

    [Fact]
    public void TensorTransforms()
    {
        Rejects(() => new Normalize([1, 2, 3], [1, 2]), "std", "got 3 and 2");
        Rejects(() => new Normalize([1], [0]), "std", "positive", "[0]");
        Rejects(() => new RandomErasing(minArea: 0.5, maxArea: 0.1), "area (minArea, maxArea)", "(0.5, 0.1)");
        Rejects(() => new RandomErasing(minAspect: 0), "aspect ratio (minAspect, maxAspect)");
        Rejects(() => new RandomErasing(probability: 2), "probability", "2");
        Rejects(() => new RandomErasing(minCount: 3, maxCount: 2), "maxCount", "minCount (3)");
        Rejects(() => new Cutout(0, 16), "holes");
        Rejects(() => new Cutout(1, 0), "length");
    }

    [Fact]
    public void AugmentTransforms()
    {
        Rejects(() => new RandAugment(numLayers: -1), "numLayers", "-1");
        Rejects(() => new RandAugment(magnitudeStd: -1), "magnitudeStd", "-1");
        Rejects(() => new RandAugment(probability: 1.1), "probability", "1.1");
        Rejects(() => new RandAugment(fill: []), "fill", "got 0");
        Rejects(() => new AutoAugment(interpolation: Interpolation.Area), "interpolation", "Area");
        Rejects(() => new Compose(new RandomFlip(), null!), "transforms", "Transform 1");
    }
}
