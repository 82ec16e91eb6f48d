using System.Text.Json;
using Vision.Models.Backbones;
using Vision.Models.Registry;
using Vision.nn;
using Vision.Tests.Reference;

namespace Vision.Models.Tests;

public class ResNetTests
{
    public static TheoryData<int> SmallDepths => [18, 34, 50];

    [Theory]
    [MemberData(nameof(SmallDepths))]
    public void LogitsAndStageShapesAtTwoImageSizes(int depth)
    {
        using var model = ModelRegistry.Create($"resnet{depth}", num_classes: 7);
        using var backbone = new ResNet(depth, out_indices: [0, 1, 2, 3]);
        var expansion = depth >= 50 ? 4 : 1;
        model.eval();
        backbone.eval();
        foreach (var size in new[] { 32L, 64L })
        {
            using var scope = torch.NewDisposeScope();
            var x = torch.randn(2, 3, size, size);
            Assert.Equal([2L, 7], model.forward(x).shape);
            var stages = backbone.forward(x);
            Assert.Equal(4, stages.Length);
            for (var i = 0; i < 4; i++)
            {
                // Stage i runs at stride 4·2^i with 64·2^i·expansion channels.
                var side = size / (4L << i);
                Assert.Equal([2L, (64L << i) * expansion, side, side], stages[i].shape);
            }
        }
        Assert.Equal([64L * expansion, 128 * expansion, 256 * expansion, 512 * expansion], backbone.out_channels);
    }

    [Fact]
    public void OutIndicesSelectAndOrderStages()
    {
        using var backbone = new ResNet(18, out_indices: [-1, 1]);
        using var scope = torch.NewDisposeScope();
        backbone.eval();
        var outs = backbone.forward(torch.randn(1, 3, 64, 64));
        Assert.Equal([3, 1], backbone.out_indices);
        Assert.Equal([512L, 128], backbone.out_channels);
        Assert.Equal([1L, 512, 2, 2], outs[0].shape);
        Assert.Equal([1L, 128, 8, 8], outs[1].shape);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ResNet(18, out_indices: [4]));
        var depthError = Assert.Throws<ArgumentOutOfRangeException>(() => new ResNet(20));
        Assert.Contains("18, 34, 50, 101, 152", depthError.Message);
        var inputError = Assert.Throws<ArgumentException>(() => backbone.forward(torch.randn(1, 1, 32, 32)));
        Assert.Contains("(N, 3, H, W)", inputError.Message);
    }

    [Theory]
    [InlineData(18, 11_689_512L)]
    [InlineData(34, 21_797_672L)]
    [InlineData(50, 25_557_032L)]
    [InlineData(101, 44_549_160L)]
    [InlineData(152, 60_192_808L)]
    public void ParameterCountsEqualTorchvision(int depth, long expected)
    {
        using var model = ModelRegistry.Create($"resnet{depth}");
        Assert.Equal(expected, Helpers.CountParameters(model));
    }

    [Theory]
    [MemberData(nameof(SmallDepths))]
    public void ForwardBackwardGivesEveryParameterAGradient(int depth)
    {
        // Seeded: with random weights and a batch of two, an unlucky draw can land outside the band below.
        torch.manual_seed(0);
        using var model = ModelRegistry.Create($"resnet{depth}", num_classes: 5);
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(2, 3, 32, 32);
        var y = torch.tensor(new long[] { 1, 4 }, 2);
        var loss = model.loss(x, y);
        var value = loss.item<float>();
        // An untrained head starts near uniform predictions: the loss is close to ln(5).
        Assert.InRange(value, Math.Log(5) - 0.5, Math.Log(5) + 0.5);
        loss.backward();
        foreach (var (name, p) in model.named_parameters())
        {
            using var grad = p.grad;
            Assert.True(grad is not null, $"{name} has no gradient");
            Assert.Equal(p.shape, grad.shape);
            Assert.True(grad.isfinite().all().item<bool>(), $"{name} has a non-finite gradient");
        }
        using var stemGrad = model.backbone.named_parameters().First().parameter.grad!;
        Assert.True(stemGrad.abs().sum().item<float>() > 0);
    }

    [SkippableFact]
    public void StateDictKeysAndShapesEqualTorchvision()
    {
        var r = TorchReference.Run("""
            for d in [18, 34, 50, 101, 152]:
                sd = getattr(torchvision.models, f"resnet{d}")().state_dict()
                out[f"keys{d}"] = list(sd.keys())
                out[f"shapes{d}"] = [list(v.shape) for v in sd.values()]
            """);
        foreach (var depth in new[] { 18, 34, 50, 101, 152 })
        {
            using var model = ModelRegistry.Create($"resnet{depth}");
            using var scope = torch.NewDisposeScope();
            var state = model.state_dict();
            // Our classifier's keys carry the composition's prefixes; torchvision's are the same below them.
            var ours = state.Keys.Select(k => k.StartsWith("head.", StringComparison.Ordinal) ? k["head.".Length..] : k["backbone.".Length..]).ToList();
            Assert.Equal(r.GetProperty($"keys{depth}").EnumerateArray().Select(k => k.GetString()!), ours);
            Assert.Equal(r.GetProperty($"shapes{depth}").EnumerateArray().Select(s => string.Join(",", s.EnumerateArray().Select(v => v.GetInt64()))),
                state.Values.Select(t => string.Join(",", t.shape)));
        }
    }

    [Fact]
    public void FrozenStagesHaveNoGradientsAndKeepTheirBatchNormInEval()
    {
        using var backbone = new ResNet(18, frozen_stages: 2);
        var frozen = new[] { "conv1.", "bn1.", "layer1.", "layer2." };
        bool IsFrozen(string name) => frozen.Any(f => name.StartsWith(f, StringComparison.Ordinal));
        Assert.All(backbone.named_parameters(), p => Assert.Equal(!IsFrozen(p.name), p.parameter.requires_grad));

        backbone.train();
        foreach (var (name, module) in backbone.named_modules().Where(m => m.module is BatchNorm2d))
        {
            Assert.True(module.training != IsFrozen(name + "."), $"{name} training={module.training}");
        }

        using var scope = torch.NewDisposeScope();
        var frozenMean = backbone.named_buffers().First(b => b.name == "layer2.0.bn1.running_mean").buffer.clone();
        var liveMean = backbone.named_buffers().First(b => b.name == "layer3.0.bn1.running_mean").buffer.clone();
        backbone.forward(torch.randn(2, 3, 32, 32))[0].sum().backward();
        foreach (var (name, p) in backbone.named_parameters())
        {
            using var grad = p.grad;
            Assert.True(IsFrozen(name) == grad is null, $"{name}: frozen={IsFrozen(name)}, gradient={(grad is null ? "none" : "present")}");
        }
        Assert.True(frozenMean.equal(backbone.named_buffers().First(b => b.name == "layer2.0.bn1.running_mean").buffer), "frozen BN statistics moved");
        Assert.False(liveMean.equal(backbone.named_buffers().First(b => b.name == "layer3.0.bn1.running_mean").buffer), "trainable BN statistics did not move");
    }

    [Fact]
    public void InitialisationIsKaimingFanOutAndZeroInitResidualZeroesTheLastNormOfEachBlock()
    {
        using var plain = new ResNet(50);
        using var zeroed = new ResNet(50, zero_init_residual: true);
        var lastNorms = zeroed.named_parameters().Where(p => p.name.EndsWith(".bn3.weight", StringComparison.Ordinal)).ToList();
        Assert.Equal(16, lastNorms.Count);
        Assert.All(lastNorms, p => Assert.Equal(0f, p.parameter.abs().max().item<float>()));
        Assert.All(plain.named_parameters().Where(p => p.name.EndsWith("bn3.weight", StringComparison.Ordinal)), p => Assert.Equal(1f, p.parameter.min().item<float>()));
        Assert.All(zeroed.named_parameters().Where(p => p.name.EndsWith("bn2.weight", StringComparison.Ordinal)), p => Assert.Equal(1f, p.parameter.min().item<float>()));

        // layer4.0.conv2: 512 × 512 × 3 × 3, fan_out = 512 · 9, so std = √(2 / 4608).
        var w = plain.named_parameters().First(p => p.name == "layer4.0.conv2.weight").parameter;
        using var scope = torch.NewDisposeScope();
        Assert.InRange(w.std().item<float>(), Math.Sqrt(2.0 / 4608) * 0.99, Math.Sqrt(2.0 / 4608) * 1.01);
        Assert.InRange(w.mean().item<float>(), -1e-4, 1e-4);
    }

    [Fact]
    public void SameSeedGivesIdenticalInitialWeights()
    {
        torch.manual_seed(1234);
        using var a = ModelRegistry.Create("resnet18", num_classes: 10);
        torch.manual_seed(1234);
        using var b = ModelRegistry.Create("resnet18", num_classes: 10);
        torch.manual_seed(4321);
        using var c = ModelRegistry.Create("resnet18", num_classes: 10);
        Assert.True(Helpers.SameState(a, b));
        Assert.False(Helpers.SameState(a, c));
    }

    [Fact]
    public void DropPathRisesLinearlyOverTheBlocks()
    {
        using var model = ModelRegistry.Create("resnet34", new ModelOptions { DropPathRate = 0.15 });
        var rates = model.named_modules().Where(m => m.module is DropPath).Select(m => ((DropPath)m.module).drop_prob).ToList();
        // 16 blocks: block i gets 0.15 · i / 15; the first gets none.
        Assert.Equal(Enumerable.Range(1, 15).Select(i => 0.15 * i / 15), rates, (x, y) => Math.Abs(x - y) < 1e-12);
    }

    [SkippableFact]
    public void LogitsEqualTorchvisionWithTorchvisionWeights()
    {
        using var dir = new TempDir();
        var path = dir.File("resnet18.safetensors");
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(2, 3, 64, 64);
        var r = TorchReference.Run($$"""
            import struct
            torch.manual_seed(0)
            m = torchvision.models.resnet18()
            with torch.no_grad():
                for mod in m.modules():
                    if isinstance(mod, torch.nn.BatchNorm2d):
                        # Non-trivial statistics and affine parameters, so evaluation mode is really tested.
                        mod.running_mean.uniform_(-0.5, 0.5)
                        mod.running_var.uniform_(0.5, 2.0)
                        mod.weight.uniform_(0.5, 1.5)
                        mod.bias.uniform_(-0.2, 0.2)
                        mod.num_batches_tracked.fill_(7)
            m.eval()
            codes = {torch.float32: "F32", torch.int64: "I64"}
            header, blobs, offset = {}, [], 0
            for k, v in m.state_dict().items():
                raw = v.contiguous().numpy().tobytes()
                header[k] = {"dtype": codes[v.dtype], "shape": list(v.shape), "data_offsets": [offset, offset + len(raw)]}
                blobs.append(raw)
                offset += len(raw)
            text = json.dumps(header).encode("utf-8")
            text += b" " * (-len(text) % 8)
            with open({{JsonSerializer.Serialize(path)}}, "wb") as f:
                f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
            with torch.no_grad():
                out["logits"] = m(inp["x"])
            """, new Dictionary<string, Tensor> { ["x"] = x });

        using var model = ModelRegistry.Create("resnet18");
        var result = Weights.PretrainedWeights.Load(model, path, new() { KeyMap = ModelRegistry.Get("resnet18").PretrainedKeyMap });
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        Assert.Equal(model.state_dict().Count, result.LoadedKeys.Count);
        model.eval();
        using (torch.no_grad())
        {
            Helpers.Close(TorchReference.Doubles(r.GetProperty("logits")), model.forward(x), 1e-4, "logits");
        }

        // The bare backbone takes torchvision's keys as they are; only the classifier has no place in it.
        using var backbone = new ResNet(18);
        Weights.PretrainedWeights.Load(backbone, path, new() { KeyMap = k => k.StartsWith("fc.", StringComparison.Ordinal) ? null : k });
        Assert.True(Helpers.SameState(backbone, model.backbone));
    }
}
