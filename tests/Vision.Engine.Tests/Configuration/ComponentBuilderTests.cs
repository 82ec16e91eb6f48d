using Microsoft.Extensions.Configuration;
using Vision.Data.BatchAugments;
using Vision.Data.Transforms;
using Vision.Engine.Configuration;
using Vision.Engine.Evaluation;

namespace Vision.Engine.Tests.Configuration;

public sealed class ComponentBuilderTests
{
    private static IConfigurationSection Section(string json)
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes($$"""{ "item": {{json}} }"""))).Build();
        return configuration.GetSection("item");
    }

    private static T Build<T>(string json, ComponentRegistry registry, BuildArguments? arguments = null) =>
        ComponentBuilder.Build<T>(Section(json), registry, arguments ?? BuildArguments.None);

    [Fact]
    public void KeysBindConstructorParametersAndPickTheOverloadTheyFit()
    {
        var square = Build<RandomResizedCrop>("""{ "type": "RandomResizedCrop", "size": 32, "scale": [0.5, 1.0] }""", Registries.Transforms);
        Assert.Equal((32, 32), (square.Height, square.Width));
        Assert.Equal((0.5, 1.0), square.Scale);
        var oblong = Build<RandomResizedCrop>("""{ "type": "randomresizedcrop", "height": 16, "width": 24, "interpolation": "bicubic" }""", Registries.Transforms);
        Assert.Equal((16, 24), (oblong.Height, oblong.Width));
        Assert.Equal(Vision.Data.Image.Interpolation.Bicubic, oblong.Interpolation);

        var jitter = Build<ColorJitter>("""{ "type": "ColorJitter", "brightness": 0.4 }""", Registries.Transforms);
        Assert.Equal((0.6, 1.4), jitter.Brightness!.Value, new TupleTolerance());
        var ranges = Build<ColorJitter>("""{ "type": "ColorJitter", "brightness": [0.5, 1.5], "contrast": null, "saturation": [1, 2], "hue": [-0.1, 0.2] }""", Registries.Transforms);
        Assert.Equal((0.5, 1.5), ranges.Brightness);
        Assert.Null(ranges.Contrast);
        Assert.Equal((-0.1, 0.2), ranges.Hue);

        var flip = Build<RandomFlip>("""{ "type": "RandomFlip", "probability": 0.25, "direction": "VERTICAL" }""", Registries.Transforms);
        Assert.Equal((0.25, FlipDirection.Vertical), (flip.Probability, flip.Direction));
    }

    [Fact]
    public void NestedComponentsAndSuppliedArgumentsAreFilledIn()
    {
        var classes = new BuildArguments([], new Dictionary<string, object> { ["num_classes"] = 7L });
        var augment = Build<RandomBatchAugment>("""
            { "type": "RandomBatchAugment", "probs": [0.25, 0.75],
              "augments": [ { "type": "Mixup", "mixup_alpha": 0.8 }, { "type": "Mixup", "mixup_alpha": 0, "cutmix_alpha": 1.0, "num_classes": 5 } ] }
            """, Registries.BatchAugments, classes);
        Assert.Equal(7, augment.NumClasses);
        Assert.Equal([0.25, 0.75], augment.Probs);
        var first = Assert.IsType<Mixup>(augment.Augments[0]);
        var second = Assert.IsType<Mixup>(augment.Augments[1]);
        Assert.Equal((0.8, 0.0), (first.MixupAlpha, first.CutmixAlpha));
        Assert.Equal((0.0, 1.0), (second.MixupAlpha, second.CutmixAlpha));

        // A single value where a list is expected is a list of one.
        Assert.Equal([3], Build<Accuracy>("""{ "type": "Accuracy", "topk": 3 }""", Registries.Evaluators).Topk);
        Assert.Equal([1, 5], Build<Accuracy>("""{ "type": "Accuracy", "topk": [1, 5] }""", Registries.Evaluators).Topk);
    }

    [Fact]
    public void MistakesNameThePathTheTypeAndWhatWouldHaveBeenValid()
    {
        var e = Assert.Throws<ConfigException>(() => Build<RandomFlip>("""{ "type": "RandomFlipp" }""", Registries.Transforms));
        Assert.StartsWith("item:type: unknown transform type 'RandomFlipp'; registered: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("RandomFlip, ", e.Message, StringComparison.Ordinal);

        e = Assert.Throws<ConfigException>(() => Build<RandomFlip>("""{ "type": "RandomFlip", "probabilty": 0.5 }""", Registries.Transforms));
        Assert.Equal("item: RandomFlip: unknown option 'probabilty' (options: probability, direction).", e.Message);

        e = Assert.Throws<ConfigException>(() => Build<RandomFlip>("""{ "type": "RandomFlip", "probability": "often" }""", Registries.Transforms));
        Assert.Equal("item:probability: 'often' is not a number.", e.Message);

        e = Assert.Throws<ConfigException>(() => Build<RandomFlip>("""{ "type": "RandomFlip", "direction": "sideways" }""", Registries.Transforms));
        Assert.Contains("'sideways' is not one of Horizontal, Vertical", e.Message, StringComparison.Ordinal);

        e = Assert.Throws<ConfigException>(() => Build<Cutout>("""{ "type": "Cutout", "holes": 1 }""", Registries.Transforms));
        Assert.Equal("item: Cutout: missing option 'length'.", e.Message);

        e = Assert.Throws<ConfigException>(() => Build<RandomFlip>("""{ "probability": 0.5 }""", Registries.Transforms));
        Assert.StartsWith("item: a transform needs a \"type\"; registered: ", e.Message, StringComparison.Ordinal);

        // What the component itself rejects keeps its own words, behind the path.
        e = Assert.Throws<ConfigException>(() => Build<RandomFlip>("""{ "type": "RandomFlip", "probability": 2 }""", Registries.Transforms));
        Assert.StartsWith("item: RandomFlip: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("probability", e.Message, StringComparison.Ordinal);
        Assert.IsType<ArgumentOutOfRangeException>(e.InnerException);
    }

    [Fact]
    public void UserTypesCanBeRegistered()
    {
        var registry = new ComponentRegistry("evaluator", typeof(IEvaluator));
        registry.Register<LossEvaluator>("loss");
        Assert.Equal(["loss"], registry.Names);
        Assert.IsType<LossEvaluator>(Build<IEvaluator>("""{ "type": "Loss" }""", registry));
        Assert.Throws<ArgumentException>(() => registry.Register<Accuracy>("loss"));
        Assert.Throws<ArgumentException>(() => registry.Register<RandomFlip>());
    }

    private sealed class TupleTolerance : IEqualityComparer<(double, double)>
    {
        public bool Equals((double, double) x, (double, double) y) => Math.Abs(x.Item1 - y.Item1) < 1e-12 && Math.Abs(x.Item2 - y.Item2) < 1e-12;

        public int GetHashCode((double, double) obj) => 0;
    }
}
