using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vision.Data.Transforms;
using Vision.Engine.Configuration;
using Vision.Engine.Inference;

namespace Vision.Engine.Tests.Configuration;

public sealed class ConfigTests
{
    private static void AssertJson(string expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"Expected {expected}{Environment.NewLine}got {actual.ToJsonString()}");

    [Fact]
    public void MergesTwoLevelsOfBasesWithDeleteAndArrayReplacement()
    {
        using var files = ConfigFiles.ResNetLayout();
        var config = Config.FromFile(files.Entry);
        AssertJson("""
            {
              "model": {
                "type": "ImageClassifier",
                "backbone": { "type": "ResNet", "depth": 18, "out_indices": [3] },
                "head": { "type": "LinearClsHead", "num_classes": 10, "loss": { "type": "LabelSmoothLoss", "label_smooth_val": 0.1 } }
              },
              "default_hooks": { "checkpoint": { "type": "CheckpointHook", "interval": 1 } },
              "seed": 0,
              "optimizer": { "type": "SGD", "lr": 0.05, "momentum": 0.9, "weight_decay": 0.0001 },
              "param_scheduler": [ { "type": "MultiStepLR", "milestones": [30, 60, 90], "gamma": 0.1 } ],
              "train": { "max_epochs": 5, "val_interval": 1 }
            }
            """, config.ToJsonNode());
        // IConfiguration alone would merge arrays index by index ([3, 1, 2, 3]); the merged JSON replaced it.
        Assert.Equal([3], config.GetSection("model:backbone:out_indices").Get<int[]>()!);
        Assert.Equal("0.05", config.Configuration["optimizer:lr"]);
    }

    [Fact]
    public void LaterBasesOverrideEarlierOnesAndKeysIgnoreCase()
    {
        using var files = new ConfigFiles();
        files.Write("a.json", """{ "optimizer": { "lr": 0.1, "momentum": 0.9 }, "name": "a" }""");
        files.Write("b.json", """{ "optimizer": { "LR": 0.2 }, "name": "b" }""");
        var entry = files.Write("c.json", """{ "_base_": ["a.json", "b.json"], "Name": "c" }""");
        var config = Config.FromFile(entry);
        Assert.Equal("0.2", config.Configuration["optimizer:lr"]);
        Assert.Equal("0.9", config.Configuration["optimizer:momentum"]);
        Assert.Equal("c", config.Configuration["name"]);
        Assert.Equal(2, config.ToJsonNode().Count);
    }

    [Fact]
    public void SetParsesNumbersBoolsStringsArraysAndNestedPaths()
    {
        using var files = ConfigFiles.ResNetLayout();
        var config = Config.FromFile(files.Entry,
        [
            "optimizer:lr=0.001",
            "optimizer:type=AdamW",
            "optimizer:betas=[0.9, 0.999]",
            "model:backbone:frozen=true",
            "train:max_epochs=12",
            "work_dir=runs/cifar",
            "run:name=\"42\"",
            "param_scheduler:0:milestones=[2,4]",
            """model:head={"num_classes": 5}""",
            "a:b:c=x=y",
        ]);
        var root = config.ToJsonNode();
        AssertJson("""{ "type": "AdamW", "lr": 0.001, "momentum": 0.9, "weight_decay": 0.0001, "betas": [0.9, 0.999] }""", root["optimizer"]!);
        AssertJson("""{ "type": "ResNet", "depth": 18, "out_indices": [3], "frozen": true }""", root["model"]!["backbone"]!);
        AssertJson("""{ "type": "LinearClsHead", "num_classes": 5, "loss": { "type": "LabelSmoothLoss", "label_smooth_val": 0.1 } }""", root["model"]!["head"]!);
        AssertJson("""[ { "type": "MultiStepLR", "milestones": [2, 4], "gamma": 0.1 } ]""", root["param_scheduler"]!);
        AssertJson("""{ "max_epochs": 12, "val_interval": 1 }""", root["train"]!);
        AssertJson("\"runs/cifar\"", root["work_dir"]!);
        AssertJson("""{ "name": "42" }""", root["run"]!);
        AssertJson("""{ "b": { "c": "x=y" } }""", root["a"]!);
        Assert.Equal(12, config.GetSection("train").GetValue<int>("max_epochs"));
        Assert.True(config.GetSection("model:backbone").GetValue<bool>("frozen"));
    }

    [Fact]
    public void SetWithDeleteReplacesAnObject()
    {
        using var files = ConfigFiles.ResNetLayout();
        var config = Config.FromFile(files.Entry, ["""optimizer={"_delete_": true, "type": "AdamW", "lr": 0.001}"""]);
        AssertJson("""{ "type": "AdamW", "lr": 0.001 }""", config.ToJsonNode()["optimizer"]!);
    }

    [Theory]
    [InlineData("optimizer:lr", "--set optimizer:lr: expected PATH=VALUE")]
    [InlineData("optimizer::lr=1", "must be keys separated by ':' with none empty")]
    [InlineData("=1", "must be keys separated by ':' with none empty")]
    [InlineData("seed:value=1", "$.seed is a number (0), so it has no 'value'")]
    [InlineData("param_scheduler:3:gamma=1", "$.param_scheduler is an array of 1 items, so '3' must be an index from 0 to 0")]
    public void BadSetsAreRejectedWithTheirText(string set, string message)
    {
        using var files = ConfigFiles.ResNetLayout();
        var e = Assert.Throws<ArgumentException>(() => Config.FromFile(files.Entry, [set]));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BindsIntoOptionsClasses()
    {
        using var files = ConfigFiles.ResNetLayout();
        files.Write("configs/infer.json", """
            {
              "_base_": "resnet18_cifar.json",
              "inferencer": { "ResizeScale": 36, "ResizeEdge": "Long", "CropSize": 32, "Mean": [125.3, 123.0, 113.9], "Std": [63.0, 62.1, 66.7], "BatchSize": 8 }
            }
            """);
        var config = Config.FromFile(Path.Combine(files.Root, "configs", "infer.json"), ["optimizer:lr=0.001"]);
        var services = new ServiceCollection();
        services.Configure<SgdSettings>(config.GetSection("optimizer"));
        using var provider = services.BuildServiceProvider();
        var sgd = provider.GetRequiredService<IOptions<SgdSettings>>().Value;
        Assert.Equal(("SGD", 0.001, 0.9, 0.0001), (sgd.Type, sgd.Lr, sgd.Momentum, sgd.WeightDecay));

        var inferencer = config.GetSection("inferencer").Get<ImageClassificationInferencerOptions>()!;
        inferencer.Validate();
        Assert.Equal((36, Edge.Long, 32, 8), (inferencer.ResizeScale, inferencer.ResizeEdge, inferencer.CropSize, inferencer.BatchSize));
        Assert.Equal(new[] { 125.3, 123.0, 113.9 }, inferencer.Mean!);
        Assert.Equal(new[] { 63.0, 62.1, 66.7 }, inferencer.Std!);
    }

    [Fact]
    public void SavedConfigLoadsBackToTheSameConfig()
    {
        using var files = ConfigFiles.ResNetLayout();
        var config = Config.FromFile(files.Entry, ["optimizer:lr=1e-3", "model:head:classes=[\"cat\",\"dög\"]"]);
        var saved = Path.Combine(files.Root, "work_dirs", "run1", "config.json");
        config.Save(saved);
        var text = File.ReadAllText(saved);
        Assert.DoesNotContain("_base_", text, StringComparison.Ordinal);
        Assert.DoesNotContain("_delete_", text, StringComparison.Ordinal);
        Assert.Contains("\"dög\"", text, StringComparison.Ordinal);
        var reloaded = Config.FromFile(saved);
        Assert.True(JsonNode.DeepEquals(config.ToJsonNode(), reloaded.ToJsonNode()));
        Assert.Equal(config.ToJson(), reloaded.ToJson());
        Assert.Equal(config.Configuration.AsEnumerable().OrderBy(p => p.Key), reloaded.Configuration.AsEnumerable().OrderBy(p => p.Key));
    }

    /// <summary>An Options class as the engine's are written: PascalCase properties, snake_case keys where they differ.</summary>
    private sealed class SgdSettings
    {
        public string Type { get; set; } = "";

        public double Lr { get; set; }

        public double Momentum { get; set; }

        [ConfigurationKeyName("weight_decay")]
        public double WeightDecay { get; set; }
    }
}
