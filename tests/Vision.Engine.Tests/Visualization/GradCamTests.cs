using Vision.Engine.Tests.Training;
using Vision.Engine.Visualization.Cam;
using Vision.Models.Registry;

namespace Vision.Engine.Tests.Visualization;

// The models and inputs come from the global generator: run apart from the parallel tests, which also draw from it.
[Collection(TrainerCollection.Name)]
public sealed class GradCamTests
{
    [Fact]
    public void CasViTMapsComeFromTheDeepestStageWithAnEightByEightMapAt64Pixels()
    {
        torch.manual_seed(0);
        using var model = ModelRegistry.Create("cas-vit-xs", num_classes: 4, img_size: 64);
        torch.manual_seed(1);
        using var x = torch.randn(2, 3, 64, 64);
        var cam = new GradCam(model, imageSize: 64);
        // Stages 0…3 (network.0/2/4/6) downsample by 4, 8, 16, 32: 16, 8, 4 and 2 pixels; the deepest at least 7 wide is network.2.
        Assert.Equal("backbone.network.2", cam.TargetLayer);

        using var result = cam.Compute(x);
        // An 8×8 map, resized to the 64×64 image in [0, 1].
        Assert.Equal([2L, 8, 8], result.Maps.shape);
        Assert.Equal([2L, 64, 64], result.Heatmaps.shape);
        Assert.InRange(result.Heatmaps.min().item<float>(), 0, 1e-6);
        Assert.InRange(result.Heatmaps.max().item<float>(), 0.999, 1);
        Assert.Equal(result.Predictions, result.TargetClasses);
        Assert.All(result.Probabilities, p => Assert.InRange(p, 0, 1));
    }

    [Theory]
    [InlineData("resnet18", 224, "backbone.layer4", "backbone.layer2")]    // 7×7, pytorch-grad-cam's usual choice
    [InlineData("resnet18", 112, "backbone.layer3", "backbone.layer4")]    // layer4 would be 4×4
    [InlineData("resnet18", 28, "backbone.layer1", "backbone.layer3")]     // Fashion-MNIST: layer2…4 are 4×4, 2×2, 1×1
    [InlineData("resnet18", 8, "backbone.layer1", "backbone.layer4")]      // no stage reaches 7: the largest map (2×2)
    [InlineData("cas-vit-xs", 224, "backbone.network.6", "backbone.network.4")]
    [InlineData("vit-tiny-p16", 64, "backbone.blocks.11.norm1", "backbone.blocks.3")]
    public void TheDefaultLayerIsTheDeepestStageWhoseMapIsAtLeastSevenWideAndANamedOneIsKept(string name, int size, string expected, string named)
    {
        torch.manual_seed(0);
        using var model = ModelRegistry.Create(name, num_classes: 3, img_size: size);
        Assert.Equal(expected, GradCam.DefaultTargetLayer(model, size));
        Assert.Equal(expected, new GradCam(model, imageSize: size).TargetLayer);
        Assert.Equal(named, new GradCam(model, named, imageSize: size).TargetLayer);
    }

    [Fact]
    public void ALongCaptionIsWrappedOntoMoreLinesInsteadOfCut()
    {
        var directory = Directory.CreateTempSubdirectory("vision-cam-overlay-").FullName;
        try
        {
            using var image = torch.full([28, 28, 1], 128, ScalarType.Byte);
            using var heatmap = torch.linspace(0, 1, 28 * 28).reshape(28, 28);
            var (shortPath, longPath) = (Path.Combine(directory, "short.png"), Path.Combine(directory, "long.png"));
            CamOverlay.Save(image, heatmap, shortPath, "Bag 0.93");
            CamOverlay.Save(image, heatmap, longPath, string.Join(" ", Enumerable.Repeat("T-shirt/top 0.93 (pred T-shirt/top) · Grad-CAM++ backbone.layer1", 3)));
            using var shortPicture = SkiaSharp.SKBitmap.Decode(shortPath);
            using var longPicture = SkiaSharp.SKBitmap.Decode(longPath);
            Assert.Equal(shortPicture.Width, longPicture.Width);
            // Three repeats of a caption about as wide as the picture need at least three more lines of 15 px type.
            Assert.True(longPicture.Height >= shortPicture.Height + 3 * 15, $"{longPicture.Height} vs {shortPicture.Height}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void ABlockInsideAStageCanBeNamedAndAnUnknownLayerListsTheKnownOnes()
    {
        torch.manual_seed(0);
        using var model = ModelRegistry.Create("resnet18", num_classes: 3, img_size: 32);
        var inner = new GradCam(model, "backbone.layer3.1", imageSize: 32);
        using var x = torch.randn(1, 3, 32, 32);
        using (var result = inner.Compute(x, [2]))
        {
            // layer3 downsamples by 16.
            Assert.Equal([1L, 2, 2], result.Maps.shape);
            Assert.Equal([2], result.TargetClasses);
        }

        var error = Assert.Throws<ArgumentException>(() => new GradCam(model, "backbone.layer9", imageSize: 32));
        Assert.Contains("backbone.layer9", error.Message);
        Assert.Contains("backbone.layer4", error.Message);
        var badTarget = Assert.Throws<ArgumentException>(() => inner.Compute(x, [3]));
        Assert.Contains("3 classes", badTarget.Message);
    }

    [Fact]
    public void TheModelKeepsItsModeAndGetsNoParameterGradients()
    {
        torch.manual_seed(0);
        using var model = ModelRegistry.Create("resnet18", num_classes: 3, img_size: 32);
        model.train();
        using var x = torch.randn(2, 3, 32, 32);
        using var result = new GradCam(model, method: CamMethod.GradCamPlusPlus, imageSize: 32).Compute(x);
        Assert.True(model.training);
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));
    }
}
