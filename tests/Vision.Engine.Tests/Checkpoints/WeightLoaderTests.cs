using Vision.Engine.Checkpoints;
using Vision.Engine.Optim;
using Vision.Engine.Tests.Training;
using Vision.Models;
using Vision.Models.Registry;
using Vision.nn;
using Vision.Serialization;

namespace Vision.Engine.Tests.Checkpoints;

/// <summary>The one weight loader: its three policies on the same sources, and the report each gives.</summary>
[Collection(TrainerCollection.Name)]
public sealed class WeightLoaderTests : IDisposable
{
    private readonly TrainingFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    private string SaveStateDict(Module model, string name)
    {
        var path = Path.Combine(fixture.WorkDir, name);
        using var scope = torch.NewDisposeScope();
        SafeTensors.Save(model.state_dict(), path);
        return path;
    }

    private static ImageClassifier ViT(int imageSize, int classes, ulong seed)
    {
        torch.manual_seed(seed);
        return ModelRegistry.Create("vit-tiny-p16", new ModelOptions { NumClasses = classes, ImageSize = imageSize });
    }

    private static float[] Values(Tensor tensor) => tensor.detach().contiguous().data<float>();

    [Fact]
    public void StrictNamesEveryMissingExtraAndMisshapenTensorAndLoadsNothing()
    {
        using var source = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2));
        using var target = new Sequential(new Linear(4, 5), new ReLU(), new Linear(5, 2), new Linear(2, 2));
        var path = SaveStateDict(source, "source.safetensors");
        var before = TrainingFixture.Snapshot(target);

        var error = Assert.Throws<ArgumentException>(() => WeightLoader.Load(target, path, WeightLoadPolicy.Strict));

        Assert.Contains($"The weights in '{path}' do not fit the model exactly", error.Message);
        Assert.Contains("'3.weight' is missing", error.Message);
        Assert.Contains("'0.weight' has shape [3, 4] but the model's is [5, 4]", error.Message);
        Assert.Contains("'2.weight' has shape [2, 3] but the model's is [2, 5]", error.Message);
        TrainingFixture.AssertBitwiseEqual(before, TrainingFixture.Snapshot(target), "after a refused strict load");
    }

    [Fact]
    public void SkipMismatchedLoadsWhatFitsAndReportsTheRest()
    {
        using var source = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2));
        using var target = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 5));
        var path = SaveStateDict(source, "source.safetensors");
        var lines = new List<string>();

        var report = WeightLoader.Load(target, path, WeightLoadPolicy.SkipMismatched, log: lines.Add);

        Assert.Equal(["0.weight", "0.bias"], report.LoadedKeys);
        Assert.Equal(["2.weight", "2.bias"], report.SkippedKeys);
        Assert.Equal(["2.weight", "2.bias"], report.MissingKeys);
        Assert.Equal(Values(((Linear)source[0]).weight), Values(((Linear)target[0]).weight));
        Assert.Equal([
            $"skipping '2.weight': shape [2, 3] in '{path}', [5, 3] in the model.",
            $"skipping '2.bias': shape [2] in '{path}', [5] in the model.",
            $"loaded 2 tensors from '{path}'; 2 model tensors keep their initial values (2.weight, 2.bias).",
        ], lines);
    }

    [Fact]
    public void AdaptResizesThePositionEmbeddingAndSwapsTheHeadWhereStrictRefuses()
    {
        using var source = ViT(imageSize: 32, classes: 3, seed: 1);
        using var target = ViT(imageSize: 48, classes: 5, seed: 2);
        var path = SaveStateDict(source, "vit.safetensors");
        using var initialHead = target.head.state_dict().Values.First().detach().clone();

        var strict = Assert.Throws<ArgumentException>(() => WeightLoader.Load(target, path, WeightLoadPolicy.Strict));
        Assert.Contains("'backbone.pos_embed' has shape [1, 5, 192] but the model's is [1, 10, 192]", strict.Message);

        var report = WeightLoader.Load(target, path, WeightLoadPolicy.Adapt);

        Assert.Equal(["backbone.pos_embed"], report.AdaptedKeys);
        Assert.NotEmpty(report.SkippedKeys);
        Assert.All(report.SkippedKeys, k => Assert.StartsWith("head.", k));
        Assert.Empty(report.MissingKeys);
        Assert.Empty(report.UnexpectedKeys);
        using var scope = torch.NewDisposeScope();
        var sourceState = source.state_dict();
        var targetState = target.state_dict();
        // The class token's position is kept as it was; the 2×2 patch grid became 3×3.
        Assert.Equal(Values(sourceState["backbone.pos_embed"][0, 0]), Values(targetState["backbone.pos_embed"][0, 0]));
        Assert.Equal(Values(sourceState["backbone.blocks.0.attn.qkv.weight"]), Values(targetState["backbone.blocks.0.attn.qkv.weight"]));
        Assert.Equal(Values(initialHead), Values(target.head.state_dict().Values.First()));
        Assert.Equal($"loaded {report.LoadedKeys.Count} tensors from '{path}'; adapted 1 (backbone.pos_embed); skipped {report.SkippedKeys.Count}, which keep their initial values ({string.Join(", ", report.SkippedKeys)}).",
            WeightLoader.Describe(report, path));
    }

    [Fact]
    public void TrainerLoadCheckpointAndLoadFromUseThePolicyAndReturnTheReport()
    {
        using var data = TrainingFixture.Quadrants(8, seed: 1);
        using var loader = TrainingFixture.Loader(data, batchSize: 4);
        using var source = TrainingFixture.Mlp(1, classes: 4);
        var path = SaveStateDict(source, "mlp.safetensors");
        using var target = TrainingFixture.Mlp(2, classes: 5);

        using var trainer = fixture.Builder(target, loader)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1))
            .WithOptions(o => o.MaxEpochs = 1)
            .Build();
        Assert.Contains("'4.weight' has shape [4, 16] but the model's is [5, 16]",
            Assert.Throws<ArgumentException>(() => trainer.LoadCheckpoint(path)).Message);
        var report = trainer.LoadCheckpoint(path, WeightLoadPolicy.SkipMismatched);

        Assert.Equal(["4.weight", "4.bias"], report.SkippedKeys);
        Assert.Equal(2, report.LoadedKeys.Count);
        Assert.Contains($"load checkpoint: loaded 2 tensors from '{path}'", fixture.ConsoleText.ToString());

        // load_from with the strict policy refuses the other head before any training.
        using var strictTarget = TrainingFixture.Mlp(2, classes: 5);
        var failure = Assert.Throws<ArgumentException>(() => fixture.Builder(strictTarget, loader)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1))
            .WithOptions(o => { o.MaxEpochs = 1; o.LoadFrom = path; o.LoadFromPolicy = WeightLoadPolicy.Strict; })
            .Fit());
        Assert.Contains("'4.bias' has shape [4] but the model's is [5]", failure.Message);
    }
}
