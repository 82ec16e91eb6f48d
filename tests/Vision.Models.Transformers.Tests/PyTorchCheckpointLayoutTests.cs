using System.Text.Json;
using Vision.Models.Backbones;
using Vision.Models.Heads;
using Vision.Models.Registry;
using Vision.Models.Weights;
using Vision.Serialization;
using Vision.Tests.Reference;

namespace Vision.Models.Transformers.Tests;

/// <summary>
/// MMPreTrain and official CAS-ViT checkpoints, as <c>torch.save</c> writes them, load through the detected key
/// layout: an MMPreTrain-layout ViT (<see cref="MMPreTrainReference"/>) gives the same logits, and an official
/// CAS-ViT file with or without <c>dist_head</c> builds the matching head.
/// </summary>
public sealed class PyTorchCheckpointLayoutTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("vision-pth-layouts-");

    public void Dispose() => dir.Delete(recursive: true);

    [SkippableFact]
    public void AnMMPreTrainLayoutViTPthGivesTheSameLogits()
    {
        var path = Path.Combine(dir.FullName, "vit_mmpretrain.pth");
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(2, 3, 32, 32);
        var r = TorchReference.Run(MMPreTrainReference.ViTClassifierScript + "\n" + $$"""
            torch.manual_seed(0)
            m = Classifier(32, 8, 48, 2, 3, 96, 5).eval()
            torch.save({"meta": {"mmengine_version": "0.10.4", "epoch": 1}, "state_dict": m.state_dict()}, {{JsonSerializer.Serialize(path)}})
            with torch.no_grad():
                out["logits"] = m(inp["x"])
            """, new Dictionary<string, Tensor> { ["x"] = x });

        using var model = new ImageClassifier(new VisionTransformer(32, 8, 48, 2, 3, 96), null, new VisionTransformerClsHead(5, 48));
        var result = PretrainedWeights.Load(model, path);
        Assert.Equal("mmpretrain-vit", result.Layout);
        Assert.Equal(model.state_dict().Count, result.LoadedKeys.Count);
        model.eval();
        using (torch.no_grad())
        {
            Checks.Close(TorchReference.Doubles(r.GetProperty("logits")), model.forward(x).to(ScalarType.Float64), 1e-4, "logits");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AnOfficialCasViTFileBuildsTheHeadItsKeysCallFor(bool distillation)
    {
        var path = Path.Combine(dir.FullName, $"rcvit_xs_{distillation}.pth");
        using var scope = torch.NewDisposeScope();
        using (var source = ModelRegistry.Create("cas-vit-xs", num_classes: 4, img_size: 64, new Dictionary<string, string> { ["distillation"] = distillation ? "true" : "false" }))
        {
            // The official keys: Vision's without the "backbone." / "head." mount points.
            TorchCheckpoint.Save(source.state_dict().ToDictionary(e => e.Key[(e.Key.IndexOf('.', StringComparison.Ordinal) + 1)..], e => e.Value), path);
        }

        var implied = PretrainedWeights.ImpliedOverrides(path);
        Assert.Equal(distillation ? "true" : "false", implied["distillation"]);
        using var model = ModelRegistry.Create("cas-vit-xs", num_classes: 4, img_size: 64, implied);
        var result = PretrainedWeights.Load(model, path);
        Assert.Equal("casvit", result.Layout);
        Assert.Empty(result.UnexpectedKeys);
        Assert.Equal(distillation, ((CasViTHead)model.head).dist_head is not null);
        Assert.Equal(model.state_dict().Count, result.LoadedKeys.Count);
    }
}
