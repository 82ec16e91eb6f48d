using Vision.Engine.Checkpoints;
using Vision.Engine.Hooks;
using Vision.Engine.Optim;
using Vision.Engine.Tests.Training;
using Vision.Serialization;

namespace Vision.Engine.Tests.Checkpoints;

[Collection(TrainerCollection.Name)]
public sealed class LoadFromTests : IDisposable
{
    private readonly TrainingFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    private sealed class WeightsAtStart(List<Dictionary<string, float[]>> seen) : Hook
    {
        public override void BeforeTrain(Vision.Engine.Training.Trainer trainer) => seen.Add(TrainingFixture.Snapshot(trainer.Model));
    }

    [Theory]
    [InlineData("folder")]
    [InlineData("safetensors")]
    [InlineData("pth")]
    public void LoadsMatchingWeightsAndSkipsAHeadOfAnotherShape(string sourceKind)
    {
        using var data = TrainingFixture.Quadrants(8, seed: 1);
        using var loader = TrainingFixture.Loader(data, 4);
        using var pretrained = TrainingFixture.Mlp(seed: 1);
        var source = Path.Combine(fixture.WorkDir, "pretrained." + sourceKind);
        if (sourceKind == "folder")
        {
            fixture.Builder(pretrained, loader)
                .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1))
                .WithOptions(o => o.MaxEpochs = 1)
                .Fit();
            source = Path.Combine(fixture.CheckpointDir, "epoch_1");
        }
        else
        {
            using var scope = torch.NewDisposeScope();
            if (sourceKind == "pth")
            {
                TorchCheckpoint.Save(pretrained.state_dict(), source);
            }
            else
            {
                SafeTensors.Save(pretrained.state_dict(), source);
            }
        }
        var expectedBackbone = TrainingFixture.Snapshot(pretrained);

        // Fine-tuning for 5 classes: the head (layer 4) has another shape and keeps its initialisation.
        using var model = TrainingFixture.Mlp(seed: 2, classes: 5);
        var initialHead = TrainingFixture.Snapshot(model);
        var seen = new List<Dictionary<string, float[]>>();
        fixture.Builder(model, loader)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1))
            .WithHooks(new WeightsAtStart(seen))
            .WithOptions(o =>
            {
                o.MaxIters = 1;
                o.LoadFrom = source;
                o.WorkDir = Path.Combine(fixture.WorkDir, "finetune");
            })
            .Fit();

        var start = seen.Single();
        TrainingFixture.AssertBitwiseEqual(
            expectedBackbone.Where(p => p.Key.StartsWith("1.", StringComparison.Ordinal)).ToDictionary(),
            start.Where(p => p.Key.StartsWith("1.", StringComparison.Ordinal)).ToDictionary(), "backbone");
        TrainingFixture.AssertBitwiseEqual(
            initialHead.Where(p => p.Key.StartsWith("4.", StringComparison.Ordinal)).ToDictionary(),
            start.Where(p => p.Key.StartsWith("4.", StringComparison.Ordinal)).ToDictionary(), "head");
        var console = fixture.ConsoleText.ToString();
        Assert.Contains($"load_from: skipping '4.weight': shape [4, 16] in '{source}', [5, 16] in the model.", console);
        Assert.Contains($"load_from: skipping '4.bias': shape [4] in '{source}', [5] in the model.", console);
        Assert.Contains($"load_from: loaded 2 tensors from '{source}'; 2 model tensors keep their initial values (4.weight, 4.bias).", console);
        // Weights only: the fine-tuning run starts at iteration 0 and counts its own.
        Assert.Equal(["iter_1"], new FileCheckpointStore(Path.Combine(fixture.WorkDir, "finetune", "checkpoints")).List());
    }
}
