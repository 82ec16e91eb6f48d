using System.Text.Json;
using Vision.Models.Backbones;
using Vision.Models.Registry;
using Vision.Models.Weights;
using Vision.nn;
using Vision.Serialization;

namespace Vision.Models.Tests;

public sealed class WeightsTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    private static ImageClassifier Seeded(ulong seed, long classes)
    {
        torch.manual_seed(seed);
        return ModelRegistry.Create("resnet18", num_classes: classes);
    }

    private string SaveState(Module model, string name)
    {
        var path = dir.File(name);
        using var scope = torch.NewDisposeScope();
        SafeTensors.Save(model.state_dict(), path);
        return path;
    }

    [Fact]
    public void SafetensorsRoundTripRestoresTheModel()
    {
        using var source = Seeded(1, 10);
        using var target = Seeded(2, 10);
        Assert.False(Helpers.SameState(source, target));
        var result = PretrainedWeights.Load(target, SaveState(source, "model.safetensors"));
        Assert.True(Helpers.SameState(source, target));
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.SkippedKeys);

        // A directory holding model.safetensors loads the same way.
        using var again = Seeded(3, 10);
        PretrainedWeights.Load(again, dir.FullName);
        Assert.True(Helpers.SameState(source, again));
    }

    [Fact]
    public void ShardedDirectoryLoads()
    {
        using var source = Seeded(1, 10);
        using var scope = torch.NewDisposeScope();
        var state = source.state_dict();
        var shards = new[] { "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors" };
        var half = state.Count / 2;
        var parts = new[] { state.Take(half), state.Skip(half) };
        var weightMap = new Dictionary<string, string>();
        for (var i = 0; i < 2; i++)
        {
            var part = parts[i].ToDictionary(e => e.Key, e => e.Value);
            SafeTensors.Save(part, dir.File(shards[i]));
            foreach (var key in part.Keys)
            {
                weightMap[key] = shards[i];
            }
        }
        File.WriteAllText(dir.File(ShardedSafeTensors.IndexFileName), JsonSerializer.Serialize(new { metadata = new { }, weight_map = weightMap }));
        using var target = Seeded(2, 10);
        PretrainedWeights.Load(target, dir.FullName);
        Assert.True(Helpers.SameState(source, target));
    }

    [Fact]
    public void FineTuneLoadSkipsTheHeadOfAnotherClassCountWithALogLine()
    {
        using var pretrained = Seeded(1, 1000);
        var path = SaveState(pretrained, "imagenet.safetensors");
        using var model = Seeded(2, 3);
        using var scope = torch.NewDisposeScope();
        var headBefore = model.head.state_dict().ToDictionary(e => e.Key, e => e.Value.clone());
        var log = new List<string>();
        var result = PretrainedWeights.Load(model, path, new() { Log = log.Add });

        Assert.Equal(new[] { "head.fc.weight", "head.fc.bias" }, result.SkippedKeys);
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        Assert.Equal(2, log.Count);
        Assert.Contains("head.fc.weight: checkpoint shape [1000, 512], model shape [3, 512]", log[0]);
        Assert.Contains("head.fc.bias", log[1]);
        Assert.True(Helpers.SameState(pretrained.backbone, model.backbone));
        Assert.All(model.head.state_dict(), e => Assert.True(e.Value.equal(headBefore[e.Key]), e.Key));

        var refused = Assert.Throws<ArgumentException>(() => PretrainedWeights.Load(model, path, new() { SkipMismatchedClassifier = false }));
        Assert.Contains("size mismatch for head.fc.weight", refused.Message);
    }

    [Fact]
    public void StrictLoadNamesMissingAndUnexpectedKeysAndChangesNothing()
    {
        using var source = Seeded(1, 10);
        using var target = Seeded(2, 10);
        using var scope = torch.NewDisposeScope();
        var checkpoint = source.state_dict().Where(e => e.Key != "backbone.layer1.0.conv1.weight").ToDictionary(e => e.Key, e => e.Value);
        checkpoint["backbone.extra.weight"] = torch.zeros(1);
        var before = target.state_dict().ToDictionary(e => e.Key, e => e.Value.clone());

        var error = Assert.Throws<ArgumentException>(() => PretrainedWeights.Load(target, checkpoint));
        Assert.Contains("Missing key(s) in state_dict: \"backbone.layer1.0.conv1.weight\"", error.Message);
        Assert.Contains("Unexpected key(s) in state_dict: \"backbone.extra.weight\"", error.Message);
        Assert.All(target.state_dict(), e => Assert.True(e.Value.equal(before[e.Key]), e.Key));

        var log = new List<string>();
        var result = PretrainedWeights.Load(target, checkpoint, new() { Strict = false, Log = log.Add });
        Assert.Equal(new[] { "backbone.layer1.0.conv1.weight" }, result.MissingKeys);
        Assert.Equal(new[] { "backbone.extra.weight" }, result.UnexpectedKeys);
        Assert.Equal(2, log.Count);
        Assert.False(target.state_dict()["backbone.layer1.0.conv1.weight"].equal(source.state_dict()["backbone.layer1.0.conv1.weight"]));
        Assert.True(target.state_dict()["backbone.layer1.0.conv2.weight"].equal(source.state_dict()["backbone.layer1.0.conv2.weight"]));
    }

    [Fact]
    public void KeyMapsRenameDropAndRefuseClashes()
    {
        var map = KeyMaps.Prefixes(("fc.", "head.fc."), ("aux.", null), ("", "backbone."));
        Assert.Equal("head.fc.weight", map("fc.weight"));
        Assert.Null(map("aux.loss"));
        Assert.Equal("backbone.layer1.0.conv1.weight", map("layer1.0.conv1.weight"));
        Assert.Equal("backbone.conv1.weight", KeyMaps.TorchvisionResNet("conv1.weight"));

        using var model = Seeded(1, 10);
        using var scope = torch.NewDisposeScope();
        var torchvisionStyle = model.state_dict().ToDictionary(e => e.Key.StartsWith("head.", StringComparison.Ordinal) ? e.Key[5..] : e.Key[9..], e => e.Value);
        torchvisionStyle["aux.loss"] = torch.zeros(1);
        var result = PretrainedWeights.Load(model, torchvisionStyle, new() { KeyMap = map });
        Assert.Equal(new[] { "aux.loss" }, result.DroppedKeys);

        // Without a map the torchvision layout is recognised from the keys.
        torchvisionStyle.Remove("aux.loss");
        Assert.Equal("torchvision-resnet", PretrainedWeights.Load(model, torchvisionStyle).Layout);
        var unknownLayout = torchvisionStyle.ToDictionary(e => "encoder." + e.Key, e => e.Value);
        var hint = Assert.Throws<ArgumentException>(() => PretrainedWeights.Load(model, unknownLayout));
        Assert.Contains("KeyMap", hint.Message);
        var clash = Assert.Throws<ArgumentException>(() => PretrainedWeights.Load(model, torchvisionStyle, new() { KeyMap = _ => "same" }));
        Assert.Contains("both map to 'same'", clash.Message);
        Assert.Throws<FileNotFoundException>(() => PretrainedWeights.Load(model, dir.File("absent.safetensors")));
    }

    // A module whose table grows with a setting, as a ViT's position embedding grows with the image size.
    private sealed class GrowingTable : Module, IAdaptsPretrainedWeights
    {
        public GrowingTable(long size) => register_parameter("table", torch.zeros(size));

        public Tensor? AdaptPretrainedWeight(string key, Tensor value)
        {
            var size = named_parameters().Single().parameter.size(0);
            if (key != "table" || value.size(0) == size)
            {
                return null;
            }
            // Repeat the checkpoint's entries cyclically up to this module's size.
            var count = value.size(0);
            using var index = torch.tensor(Enumerable.Range(0, (int)size).Select(i => (long)(i % count)).ToArray(), size);
            return value.index_select(0, index);
        }
    }

    private sealed class Holder : Module
    {
        public Holder(long size) => register_module("inner", new GrowingTable(size));
    }

    [Fact]
    public void ModulesAndCallersAdaptCheckpointTensors()
    {
        using var model = new Holder(4);
        using var scope = torch.NewDisposeScope();
        var checkpoint = new Dictionary<string, Tensor> { ["inner.table"] = torch.tensor(new float[] { 1, 2 }, 2) };
        var result = PretrainedWeights.Load(model, checkpoint);
        Assert.Equal(new[] { "inner.table" }, result.AdaptedKeys);
        Assert.Equal(new[] { 1f, 2, 1, 2 }, model.state_dict()["inner.table"].data<float>());

        // The caller's adapter runs first; the module then sees the already-adapted tensor.
        var seen = new List<string>();
        PretrainedWeights.Load(model, checkpoint, new() { Adapter = (key, value) => { seen.Add(key); return value.mul(10); } });
        Assert.Equal(new[] { "inner.table" }, seen);
        Assert.Equal(new[] { 10f, 20, 10, 20 }, model.state_dict()["inner.table"].data<float>());
    }
}
