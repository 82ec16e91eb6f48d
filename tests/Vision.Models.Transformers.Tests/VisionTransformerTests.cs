using System.Text.RegularExpressions;
using Vision.Models.Backbones;
using Vision.nn;
using Vision.Tests.Reference;

namespace Vision.Models.Transformers.Tests;

/// <summary>VisionTransformer: sizes, parameter counts, gradients, parity with torchvision and position-embedding resizing.</summary>
public partial class VisionTransformerTests
{
    // A ViT small enough for value tests to run in milliseconds.
    private static VisionTransformer Small(long img_size = 32, IReadOnlyList<int>? out_indices = null, int frozen_stages = -1,
        double drop_rate = 0, double drop_path_rate = 0) =>
        new(img_size, patch_size: 16, embed_dim: 8, depth: 3, num_heads: 2, mlp_dim: 16, drop_rate: drop_rate, drop_path_rate: drop_path_rate,
            out_indices: out_indices, frozen_stages: frozen_stages);

    [Theory]
    [InlineData("tiny", 16, 32, 192)]
    [InlineData("tiny", 16, 64, 192)]
    [InlineData("small", 16, 32, 384)]
    [InlineData("small", 16, 64, 384)]
    [InlineData("base", 32, 64, 768)]
    [InlineData("base", 32, 96, 768)]
    public void ClassTokenFeatureHasTheEmbeddingWidth(string arch, int patch, int size, long width)
    {
        using var model = VisionTransformer.Create(arch, patch, size);
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var features = model.forward(torch.randn(2, 3, size, size));
        Assert.Single(features);
        Assert.Equal(new[] { 2, width }, features[0].shape);
        Assert.Equal(new[] { width }, model.out_channels);
        Assert.Equal(new[] { 1, 1 + (size / patch) * (size / patch), width }, model.pos_embed.shape);
    }

    [Theory]
    [InlineData("tiny", 16, 5_717_416)]
    [InlineData("small", 16, 22_050_664)]
    [InlineData("base", 16, 86_567_656)]
    [InlineData("base", 32, 88_224_232)]
    [InlineData("large", 16, 304_326_632)]
    public void ParameterCountWithA1000ClassHeadMatchesTimm(string arch, int patch, long expected)
    {
        using var model = VisionTransformer.Create(arch, patch, 224);
        var width = model.embed_dim;
        Assert.Equal(expected, Checks.CountParameters(model) + width * 1000 + 1000);
    }

    [Theory]
    [InlineData("tiny", 16)]
    [InlineData("small", 16)]
    [InlineData("base", 16)]
    [InlineData("base", 32)]
    public void EveryParameterGetsAGradient(string arch, int patch)
    {
        using var model = VisionTransformer.Create(arch, patch, 32, drop_rate: 0.1, drop_path_rate: 0.1);
        using var scope = torch.NewDisposeScope();
        var features = model.forward(torch.randn(2, 3, 32, 32));
        features[0].square().sum().backward();
        foreach (var (name, p) in model.named_parameters())
        {
            using var grad = p.grad;
            Assert.True(grad is not null, $"{name} has no gradient");
            Assert.True(grad.isfinite().all().item<bool>(), $"{name} has a non-finite gradient");
        }
        using var patchGrad = model.patch_embed.proj.weight.grad!;
        Assert.True(patchGrad.abs().sum().item<float>() > 0, "no gradient reached the patch embedding");
    }

    [Fact]
    public void OutIndicesReturnTheClassTokenOfEachRequestedBlock()
    {
        torch.manual_seed(3);
        using var all = Small(out_indices: [0, 2, -1]);
        using var last = Small();
        last.load_state_dict(all.state_dict());
        all.eval();
        last.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = torch.randn(2, 3, 32, 32);
        var features = all.forward(x);
        Assert.Equal(new[] { 0, 2, 2 }, all.out_indices);
        Assert.Equal(3, features.Length);
        Assert.All(features, f => Assert.Equal(new long[] { 2, 8 }, f.shape));

        // The first block's class token, computed by hand from the embeddings.
        var tokens = torch.cat([all.cls_token.expand(2, 1, 8), all.patch_embed.forward(x)], 1).add(all.pos_embed);
        var block0 = all.blocks[0].forward(tokens).select(1, 0);
        Assert.True(features[0].allclose(block0, 1e-5, 1e-6));
        // The last block's output is after the final norm, as with the default out_indices.
        Assert.True(features[1].allclose(last.forward(x)[0], 1e-5, 1e-6));
        Assert.True(features[2].equal(features[1]));
        // Before the final norm a class token is not normalised: its mean over the width is not 0 in general.
        Assert.True(features[0].mean(1).abs().max().item<float>() > 1e-3);
    }

    [Fact]
    public void ForwardLeavesOnlyItsOutputsInTheCallersScope()
    {
        using var model = Small(64, out_indices: [1, 2]);
        using var x = torch.randn(2, 3, 32, 32);
        using var scope = torch.NewDisposeScope();
        // 32 px on a 64-px model also exercises the on-the-fly position-embedding resize.
        var features = model.forward(x);
        Assert.Equal(2, features.Length);
        Assert.Equal(2, scope.Count);
    }

    [Fact]
    public void DropPathGrowsLinearlyOverTheBlocks()
    {
        using var model = VisionTransformer.Create("tiny", 16, 32, drop_path_rate: 0.2);
        var rates = model.blocks.Select(b => b.drop_path.drop_prob).ToArray();
        Assert.Equal(12, rates.Length);
        for (var i = 0; i < rates.Length; i++)
        {
            Assert.Equal(0.2 * i / 11, rates[i], 12);
        }
    }

    [Fact]
    public void InitialisationFollowsTimm()
    {
        torch.manual_seed(11);
        using var model = VisionTransformer.Create("small", 16, 64);
        using var scope = torch.NewDisposeScope();
        Assert.InRange(model.pos_embed.std().item<float>(), 0.019, 0.021);
        Assert.InRange(model.cls_token.abs().max().item<float>(), 1e-9, 1e-5);
        var qkv = model.blocks[3].attn.qkv;
        Assert.InRange(qkv.weight.std().item<float>(), 0.0195, 0.0205);
        Assert.Equal(0, qkv.bias!.abs().max().item<float>());
        Assert.Equal(1, model.blocks[3].norm1.weight!.min().item<float>());
        Assert.Equal(1e-6, model.norm!.eps);
    }

    [Fact]
    public void TheSameSeedBuildsAndRunsTheSameModel()
    {
        using var scope = torch.NewDisposeScope();
        Tensor Run(ulong seed)
        {
            torch.manual_seed(seed);
            using var model = Small(drop_rate: 0.2, drop_path_rate: 0.3);
            var x = torch.randn(4, 3, 32, 32);
            return model.forward(x)[0];
        }
        var first = Run(5);
        var again = Run(5);
        var other = Run(6);
        Assert.True(first.equal(again));
        Assert.False(first.allclose(other));
    }

    [Fact]
    public void FrozenStagesStopGradientsAndStayInEvalMode()
    {
        using var model = Small(frozen_stages: 1);
        model.train();
        Assert.False(model.cls_token.requires_grad);
        Assert.False(model.pos_embed.requires_grad);
        Assert.All(model.patch_embed.parameters(), p => Assert.False(p.requires_grad));
        Assert.All(model.blocks[0].parameters(), p => Assert.False(p.requires_grad));
        Assert.All(model.blocks[1].parameters(), p => Assert.True(p.requires_grad));
        Assert.False(model.blocks[0].training);
        Assert.True(model.blocks[1].training);
    }

    [Fact]
    public void ImageSizesThatAreNotMultiplesOfThePatchAreRejected()
    {
        var build = Assert.Throws<ArgumentException>(() => VisionTransformer.Create("tiny", 16, 40));
        Assert.Contains("40", build.Message);
        Assert.Contains("16", build.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new VisionTransformer(32, 16, 8, depth: 0, num_heads: 2, mlp_dim: 16));

        using var model = Small();
        using var scope = torch.NewDisposeScope();
        var run = Assert.Throws<ArgumentException>(() => model.forward(torch.randn(1, 3, 32, 40)));
        Assert.Contains("32x40", run.Message);
        Assert.Contains("16", run.Message);
    }

    [Fact]
    public void AnotherInputSizeUsesTheResizedPositionEmbedding()
    {
        torch.manual_seed(8);
        using var at32 = Small(32);
        using var at64 = Small(64);
        using var scope = torch.NewDisposeScope();
        var weights = at32.state_dict();
        weights["pos_embed"] = VisionTransformer.ResizePosEmbed(weights["pos_embed"], 4);
        at64.load_state_dict(weights);
        at32.eval();
        at64.eval();
        var x = torch.randn(2, 3, 64, 64);
        Assert.True(at32.forward(x)[0].allclose(at64.forward(x)[0], 1e-5, 1e-6));
    }

    [Fact]
    public void AdaptPretrainedResizesOnlyAPositionEmbeddingOfAnotherLength()
    {
        torch.manual_seed(9);
        using var model = Small(32);
        using var scope = torch.NewDisposeScope();
        var from96 = torch.randn(1, 1 + 36, 8);
        var adapted = model.AdaptPretrainedWeight("pos_embed", from96);
        Assert.NotNull(adapted);
        Assert.True(adapted.equal(VisionTransformer.ResizePosEmbed(from96, 2)));
        Assert.Null(model.AdaptPretrainedWeight("pos_embed", torch.randn(1, 5, 8)));
        Assert.Null(model.AdaptPretrainedWeight("cls_token", torch.randn(1, 1, 8)));
        Assert.Null(model.AdaptPretrainedWeight("pos_embed", torch.randn(1, 37, 4)));
    }

    [SkippableFact]
    public void PositionEmbeddingResizeMatchesMMPreTrainsBicubicInPyTorch()
    {
        TorchReference.Require();
        torch.manual_seed(4);
        using var scope = torch.NewDisposeScope();
        var posEmbed = torch.randn(1, 1 + 49, 6);
        var r = TorchReference.Run("""
pe = inp['pe']
def resize(pe, new):
    grid = pe[:, 1:].reshape(1, 7, 7, -1).permute(0, 3, 1, 2)
    grid = F.interpolate(grid, size=new, mode='bicubic', align_corners=False)
    return torch.cat([pe[:, :1], grid.flatten(2).transpose(1, 2)], 1)
out['up'] = resize(pe, (12, 12))
out['down'] = resize(pe, (3, 5))
""", new Dictionary<string, Tensor> { ["pe"] = posEmbed });

        var up = VisionTransformer.ResizePosEmbed(posEmbed, 12);
        var down = VisionTransformer.ResizePosEmbed(posEmbed, (3, 5));
        Assert.Equal(new long[] { 1, 145, 6 }, up.shape);
        Assert.Equal(new long[] { 1, 16, 6 }, down.shape);
        Checks.Close(TorchReference.Doubles(r.GetProperty("up")), up, 1e-5, "up");
        Checks.Close(TorchReference.Doubles(r.GetProperty("down")), down, 1e-5, "down");
        Assert.True(up.narrow(1, 0, 1).equal(posEmbed.narrow(1, 0, 1)));
    }

    [SkippableFact]
    public void LogitsMatchTorchvisionsVisionTransformerWithTheSameWeights()
    {
        TorchReference.Require();
        torch.manual_seed(2);
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(2, 3, 32, 32);
        var r = TorchReference.Run("""
torch.manual_seed(0)
m = torchvision.models.VisionTransformer(image_size=32, patch_size=16, num_layers=2, num_heads=3, hidden_dim=192, mlp_dim=768, num_classes=10)
with torch.no_grad():
    # Move every weight off its (often trivial) initial value, so a mixed-up bias or norm would show.
    for p in m.parameters():
        p.add_(0.1 * torch.randn_like(p))
m.eval()
out['logits'] = m(inp['x'])
out['weights'] = {k: v for k, v in m.state_dict().items()}
out['shapes'] = {k: list(v.shape) for k, v in m.state_dict().items()}
""", new Dictionary<string, Tensor> { ["x"] = x });

        var shapes = r.GetProperty("shapes");
        var backboneWeights = new Dictionary<string, Tensor>();
        var headWeights = new Dictionary<string, Tensor>();
        foreach (var entry in r.GetProperty("weights").EnumerateObject())
        {
            var shape = shapes.GetProperty(entry.Name).EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var values = TorchReference.Doubles(entry.Value).Select(v => (float)v).ToArray();
            var key = TorchvisionToTimm(entry.Name);
            var target = key.StartsWith("head.", StringComparison.Ordinal) ? headWeights : backboneWeights;
            target[key.StartsWith("head.", StringComparison.Ordinal) ? key["head.".Length..] : key] = torch.tensor(values, shape);
        }
        using var model = new VisionTransformer(32, 16, 192, 2, 3, 768);
        using var head = new Linear(192, 10);
        model.load_state_dict(backboneWeights);
        head.load_state_dict(headWeights);
        model.eval();
        using var noGrad = torch.no_grad();
        var logits = head.forward(model.forward(x)[0]);
        Checks.Close(TorchReference.Doubles(r.GetProperty("logits")), logits, 1e-4, "logits");
    }

    // torchvision's names for the same tensors; the layouts agree (in_proj_weight is timm's (3D, D) qkv).
    private static string TorchvisionToTimm(string key)
    {
        var layer = EncoderLayer().Match(key);
        if (layer.Success)
        {
            var part = layer.Groups[2].Value switch
            {
                "ln_1" => "norm1",
                "self_attention.in_proj" => "attn.qkv",
                "self_attention.out_proj" => "attn.proj",
                "ln_2" => "norm2",
                "mlp.0" => "mlp.fc1",
                "mlp.3" => "mlp.fc2",
                var other => throw new ArgumentException($"unmapped torchvision layer key {other}"),
            };
            var leaf = layer.Groups[3].Value.TrimStart('_', '.');
            return $"blocks.{layer.Groups[1].Value}.{part}.{leaf}";
        }
        return key switch
        {
            "class_token" => "cls_token",
            "encoder.pos_embedding" => "pos_embed",
            _ when key.StartsWith("conv_proj.", StringComparison.Ordinal) => "patch_embed.proj." + key["conv_proj.".Length..],
            _ when key.StartsWith("encoder.ln.", StringComparison.Ordinal) => "norm." + key["encoder.ln.".Length..],
            _ when key.StartsWith("heads.head.", StringComparison.Ordinal) => "head." + key["heads.head.".Length..],
            _ => throw new ArgumentException($"unmapped torchvision key {key}"),
        };
    }

    [GeneratedRegex(@"^encoder\.layers\.encoder_layer_(\d+)\.(ln_1|ln_2|self_attention\.in_proj|self_attention\.out_proj|mlp\.0|mlp\.3)([._](?:weight|bias))$")]
    private static partial Regex EncoderLayer();
}
