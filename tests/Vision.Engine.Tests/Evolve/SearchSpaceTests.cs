using System.Text.Json.Nodes;
using Vision.Engine.Configuration;
using Vision.Engine.Evolve;
using Vision.Engine.Tests.Configuration;

namespace Vision.Engine.Tests.Evolve;

public sealed class SearchSpaceTests : IDisposable
{
    private readonly ConfigFiles files = new();

    public void Dispose() => files.Dispose();

    private const string Recipe = """
        {
          "model": { "type": "resnet18", "drop_path_rate": 0.1, "loss": { "type": "CrossEntropyLoss", "label_smoothing": 0.1 } },
          "train_dataloader": { "batch_size": 64, "dataset": { "type": "ImageFolder", "root": "data" },
                                "pipeline": [ { "type": "RandomFlip" }, { "type": "RandAugment", "magnitude": 9 }, { "type": "RandomErasing", "probability": 0.25 } ] },
          "optim_wrapper": { "optimizer": { "type": "SGD", "lr": 0.1, "momentum": 0.9, "weight_decay": 0.0005 } },
          "param_scheduler": [ { "type": "LinearLR", "start_factor": 0.1, "end": 2 }, { "type": "CosineAnnealingLR", "begin": 2, "end": 10 } ],
          "batch_augment": { "type": "Mixup", "mixup_alpha": 0.8, "cutmix_alpha": 1.0 },
          "custom_hooks": [ { "type": "EMAHook", "decay": 0.9998 } ]
        }
        """;

    private JsonObject Tree(params string[] overrides) => Config.FromFile(files.Write("recipe.json", Recipe), overrides).ToJsonNode();

    [Fact]
    public void TheClassificationDefaultsApplyWhereTheConfigSetsTheirValues()
    {
        var space = SearchSpace.FromConfig(Tree());
        Assert.Equal(["lr", "momentum", "weight_decay", "warmup_epochs", "label_smoothing", "mixup_alpha", "cutmix_alpha",
            "randaugment_magnitude", "erasing_prob", "ema_decay", "drop_path_rate"], space.Names);
        var warmup = space.Parameters.Single(p => p.Name == "warmup_epochs");
        Assert.Equal(["param_scheduler:0:end", "param_scheduler:1:begin"], warmup.Paths);
        Assert.True(warmup.IsInteger);
        Assert.Equal(["train_dataloader:pipeline:1:magnitude"], space.Parameters.Single(p => p.Name == "randaugment_magnitude").Paths);
        Assert.Equal(["custom_hooks:0:decay"], space.Parameters.Single(p => p.Name == "ema_decay").Paths);
        Assert.Equal([0.1, 0.9, 0.0005, 2, 0.1, 0.8, 1.0, 9, 0.25, 0.9998, 0.1], space.ValuesIn(Tree()));
    }

    [Fact]
    public void OverridesWriteEveryPathOfAValueAndLoadBack()
    {
        var space = SearchSpace.FromConfig(Tree());
        double[] values = [0.0123, 0.85, 0.001, 3, 0.2, 0.5, 0.7, 5, 0.4, 0.999, 0.05];
        var overrides = space.Overrides(values);
        Assert.Contains("param_scheduler:1:begin=3", overrides);
        var tree = Tree([.. overrides]);
        Assert.Equal(values, space.ValuesIn(tree));
        Assert.Equal(3, ConfigTreeNumber(tree, "param_scheduler:1:begin"));
    }

    private static double ConfigTreeNumber(JsonObject tree, string path) => tree["param_scheduler"]![1]!["begin"]!.GetValue<double>();

    [Fact]
    public void TheEvolveSectionChangesAddsAndRestrictsKeys()
    {
        var space = SearchSpace.FromConfig(Tree(
            "evolve:space:lr=[0.5, 0.001, 0.3]",
            """evolve:space:batch={ "path": "train_dataloader:batch_size", "gain": 0.5, "low": 16, "high": 256, "integer": true }""",
            """evolve:keys=["lr", "batch", "momentum"]"""));
        Assert.Equal(["lr", "momentum", "batch"], space.Names);
        static object Fields(HyperParameter p) => (p.Name, string.Join(" ", p.Paths), p.Gain, p.Low, p.High, p.IsInteger);
        Assert.Equal(("lr", "optim_wrapper:optimizer:lr", 0.5, 0.001, 0.3, false), Fields(space.Parameters[0]));
        Assert.Equal(("batch", "train_dataloader:batch_size", 0.5, 16.0, 256.0, true), Fields(space.Parameters[2]));
    }

    [Theory]
    [InlineData("evolve:space:dropout=[1, 0, 0.5]", "evolve:space:dropout", "'dropout' is not a default")]
    [InlineData("""evolve:space:dropout={ "path": "model:drop_rate", "low": 0, "high": 0.5 }""", "evolve:space:dropout", "the configuration sets no number at model:drop_rate")]
    [InlineData("""evolve:keys=["lr", "nope"]""", "evolve:keys", "'nope' is not in the search space")]
    [InlineData("evolve:space:lr=[1, 0.5, 0.1]", "evolve:space", "the bounds must be finite with low <= high")]
    [InlineData("evolve:space:lr=[-1, 0.1, 0.5]", "evolve:space", "the gain must be")]
    public void BadDeclarationsNameTheirPath(string setting, string path, string message)
    {
        var e = Assert.Throws<ConfigException>(() => SearchSpace.FromConfig(Tree(setting)));
        Assert.Equal(path, e.Path);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SettingsReadFitnessParentStrategyAndEarlyStopping()
    {
        var settings = EvolveSettings.FromConfig(Tree(
            "evolve:fitness=accuracy/top1=0.9,accuracy/top5=0.1", "evolve:parent=weighted", "evolve:strategy=random",
            """evolve:early_stopping={ "type": "median", "min_trials": 4, "grace": 2 }"""));
        Assert.Equal(new Dictionary<string, double> { ["accuracy/top1"] = 0.9, ["accuracy/top5"] = 0.1 }, settings.Fitness.Weights);
        Assert.Equal(ParentSelection.Weighted, settings.Parent);
        Assert.Equal(SearchStrategy.Random, settings.Strategy);
        Assert.Equal(new MedianStoppingRule(4, 2), settings.EarlyStopping);
        var defaults = EvolveSettings.FromConfig(Tree());
        Assert.Equal((ParentSelection.Single, SearchStrategy.Evolve, null), (defaults.Parent, defaults.Strategy, defaults.EarlyStopping));
        Assert.Equal("accuracy/top1=1", defaults.Fitness.ToString());
    }

    [Theory]
    [InlineData("evolve:parent=best", "evolve:parent", "'best' is not one of: single, weighted")]
    [InlineData("evolve:generations=3", "evolve:generations", "unknown option 'generations'")]
    [InlineData("evolve:fitness=accuracy/top1=high", "evolve:fitness", "is not a number")]
    [InlineData("evolve:early_stopping=halving", "evolve:early_stopping", "'halving' is not a rule")]
    public void BadSettingsNameTheirPath(string setting, string path, string message)
    {
        var e = Assert.Throws<ConfigException>(() => EvolveSettings.FromConfig(Tree(setting)));
        Assert.Equal(path, e.Path);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
