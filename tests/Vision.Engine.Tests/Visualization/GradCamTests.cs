using Vision.Engine.Visualization.Cam;
using Vision.Models.Registry;

namespace Vision.Engine.Tests.Visualization;

public sealed class GradCamTests
{
    [Fact]
    public void CasViTMapsComeFromItsLastStageOnThePatchGrid()
    {
        torch.manual_seed(0);
        using var model = ModelRegistry.Create("cas-vit-xs", num_classes: 4, img_size: 64);
        torch.manual_seed(1);
        using var x = torch.randn(2, 3, 64, 64);
        var cam = new GradCam(model, imageSize: 64);
        Assert.Equal(GradCam.DefaultTargetLayer(model), cam.TargetLayer);
        Assert.StartsWith("backbone.network.", cam.TargetLayer);

        using var result = cam.Compute(x);
        // CAS-ViT downsamples by 32: a 2×2 map, resized to the 64×64 image in [0, 1].
        Assert.Equal([2L, 2, 2], result.Maps.shape);
        Assert.Equal([2L, 64, 64], result.Heatmaps.shape);
        Assert.InRange(result.Heatmaps.min().item<float>(), 0, 1e-6);
        Assert.InRange(result.Heatmaps.max().item<float>(), 0.999, 1);
        Assert.Equal(result.Predictions, result.TargetClasses);
        Assert.All(result.Probabilities, p => Assert.InRange(p, 0, 1));
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
