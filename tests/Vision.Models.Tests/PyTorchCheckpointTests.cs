using System.Text.Json;
using Vision.Models.Registry;
using Vision.Models.Weights;
using Vision.Tests.Reference;

namespace Vision.Models.Tests;

/// <summary>torchvision checkpoints saved by <c>torch.save</c> load without a key map and give torchvision's logits.</summary>
public sealed class PyTorchCheckpointTests
{
    [SkippableFact]
    public void Resnet50FromATorchvisionPthGivesTorchvisionsLogits()
    {
        using var dir = new TempDir();
        var path = dir.File("resnet50.pth");
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(2, 3, 64, 64);
        var r = TorchReference.Run($$"""
            torch.manual_seed(0)
            m = torchvision.models.resnet50()
            with torch.no_grad():
                for mod in m.modules():
                    if isinstance(mod, torch.nn.BatchNorm2d):
                        # Non-trivial statistics and affine parameters, so evaluation mode is really tested.
                        mod.running_mean.uniform_(-0.5, 0.5)
                        mod.running_var.uniform_(0.5, 2.0)
                        mod.weight.uniform_(0.5, 1.5)
                        mod.bias.uniform_(-0.2, 0.2)
            m.eval()
            torch.save(m.state_dict(), {{JsonSerializer.Serialize(path)}})
            with torch.no_grad():
                out["logits"] = m(inp["x"])
            """, new Dictionary<string, Tensor> { ["x"] = x });

        using var model = ModelRegistry.Create("resnet50");
        var log = new List<string>();
        var result = PretrainedWeights.Load(model, path, new() { Log = log.Add });
        Assert.Equal("torchvision-resnet", result.Layout);
        Assert.Contains(log, l => l.StartsWith("Checkpoint key layout: torchvision-resnet", StringComparison.Ordinal));
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        Assert.Equal(model.state_dict().Count, result.LoadedKeys.Count);
        model.eval();
        using (torch.no_grad())
        {
            Helpers.Close(TorchReference.Doubles(r.GetProperty("logits")), model.forward(x), 1e-4, "logits");
        }
    }
}
