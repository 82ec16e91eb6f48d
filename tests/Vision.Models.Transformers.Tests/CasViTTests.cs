using Vision.Models.Backbones;
using Vision.Models.Backbones.AdditiveAttention;
using Vision.Models.Heads;
using Vision.nn;
using Vision.Tests.Reference;
using F = Vision.nn.functional;

namespace Vision.Models.Transformers.Tests;

/// <summary>CAS-ViT: stage shapes, parameter counts, gradients, official key names and the token mixer's formula.</summary>
public class CasViTTests
{
    private static readonly Dictionary<string, long[]> Widths = new()
    {
        ["xs"] = [48, 56, 112, 220],
        ["s"] = [48, 64, 128, 256],
        ["m"] = [64, 96, 192, 384],
        ["t"] = [96, 128, 256, 512],
    };

    [Theory]
    [InlineData("xs", 32)]
    [InlineData("xs", 64)]
    [InlineData("s", 32)]
    [InlineData("s", 64)]
    [InlineData("m", 32)]
    [InlineData("m", 64)]
    [InlineData("t", 32)]
    [InlineData("t", 64)]
    public void StagesComeAtAQuarterToAThirtySecondOfTheInput(string arch, int size)
    {
        using var model = CasViT.Create(arch, out_indices: [0, 1, 2, 3]);
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var features = model.forward(torch.randn(2, 3, size, size));
        Assert.Equal(Widths[arch], model.out_channels);
        for (var i = 0; i < 4; i++)
        {
            var side = size / (4 << i);
            Assert.Equal(new[] { 2, Widths[arch][i], side, side }, features[i].shape);
        }
    }

    [Fact]
    public void OutIndicesPickStagesInTheOrderGiven()
    {
        using var model = CasViT.Create("xs", out_indices: [2, -3]);
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var features = model.forward(torch.randn(1, 3, 64, 64));
        Assert.Equal(new[] { 2, 1 }, model.out_indices);
        Assert.Equal(new long[] { 112, 56 }, model.out_channels);
        Assert.Equal(new long[] { 1, 112, 4, 4 }, features[0].shape);
        Assert.Equal(new long[] { 1, 56, 8, 8 }, features[1].shape);
        // The stage-1 map feeds stage 2: running the next downsampler and blocks on it reproduces the stage-2 map.
        var next = model.Stage(2).forward(model.network[3].forward(features[1]));
        Assert.True(next.allclose(features[0], 1e-5, 1e-6));
    }

    [Fact]
    public void ForwardLeavesOnlyItsOutputsInTheCallersScope()
    {
        using var model = CasViT.Create("xs", out_indices: [1, 3]);
        using var head = new CasViTHead(10, 220, distillation: true);
        using var x = torch.randn(2, 3, 64, 64);
        using var scope = torch.NewDisposeScope();
        var features = model.forward(x);
        Assert.Equal(2, scope.Count);
        head.forward(features);
        Assert.Equal(3, scope.Count);
        head.forward_distillation(features);
        Assert.Equal(5, scope.Count);
    }

    [Theory]
    [InlineData("xs", 3_200_700, 2_979_700)]
    [InlineData("s", 5_764_224, 5_507_224)]
    [InlineData("m", 12_421_520, 12_036_520)]
    [InlineData("t", 21_763_120, 21_250_120)]
    public void ParameterCountsMatchThePublishedModels(string arch, long withDistillation, long without)
    {
        using var model = CasViT.Create(arch);
        using var distilled = new CasViTHead(1000, model.out_channels[^1], distillation: true);
        using var plain = new CasViTHead(1000, model.out_channels[^1]);
        var backbone = Checks.CountParameters(model);
        Assert.Equal(withDistillation, backbone + Checks.CountParameters(distilled));
        Assert.Equal(without, backbone + Checks.CountParameters(plain));
    }

    [Theory]
    [InlineData("xs")]
    [InlineData("s")]
    [InlineData("m")]
    [InlineData("t")]
    public void EveryParameterGetsAGradient(string arch)
    {
        using var model = CasViT.Create(arch);
        using var head = new CasViTHead(10, model.out_channels[^1], distillation: true);
        using var scope = torch.NewDisposeScope();
        var logits = head.forward(model.forward(torch.randn(2, 3, 32, 32)));
        Assert.Equal(new long[] { 2, 10 }, logits.shape);
        F.cross_entropy(logits, torch.tensor(new long[] { 3, 7 }, 2)).backward();
        foreach (var (name, p) in model.named_parameters().Concat(head.named_parameters("head")))
        {
            using var grad = p.grad;
            Assert.True(grad is not null, $"{name} has no gradient");
            Assert.True(grad.isfinite().all().item<bool>(), $"{name} has a non-finite gradient");
        }
        using var stemGrad = ((Conv2d)model.patch_embed[0]).weight.grad!;
        Assert.True(stemGrad.abs().sum().item<float>() > 0, "no gradient reached the stem");
    }

    [Fact]
    public void DropPathGrowsLinearlyOverAllBlocksWithTheDefaultRate()
    {
        using var model = CasViT.Create("s");
        var rates = Enumerable.Range(0, 4).SelectMany(i => model.Stage(i).Cast<AdditiveBlock>()).Select(b => b.drop_path.drop_prob).ToArray();
        Assert.Equal(15, rates.Length);
        for (var i = 0; i < rates.Length; i++)
        {
            Assert.Equal(0.1 * i / 14, rates[i], 12);
        }
    }

    [Fact]
    public void TheSameSeedBuildsTheSameModel()
    {
        torch.manual_seed(21);
        using var first = CasViT.Create("xs");
        using var firstHead = new CasViTHead(10, 220);
        torch.manual_seed(21);
        using var again = CasViT.Create("xs");
        using var againHead = new CasViTHead(10, 220);
        using var scope = torch.NewDisposeScope();
        var a = first.state_dict().Concat(firstHead.state_dict()).ToList();
        var b = again.state_dict().Concat(againHead.state_dict()).ToList();
        Assert.Equal(a.Select(e => e.Key), b.Select(e => e.Key));
        Assert.Empty(a.Zip(b).Where(pair => !pair.First.Value.equal(pair.Second.Value)).Select(pair => pair.First.Key));
        torch.manual_seed(22);
        using var otherHead = new CasViTHead(10, 220);
        Assert.False(otherHead.head.weight.equal(firstHead.head.weight));
        // The classifier is truncated-normal 0.02 with zero bias, as the official init.
        Assert.InRange(firstHead.head.weight.std().item<float>(), 0.019, 0.021);
        Assert.Equal(0, firstHead.head.bias!.abs().max().item<float>());
    }

    [Fact]
    public void FrozenStagesIncludeTheStemAndTheirDownsampler()
    {
        using var model = CasViT.Create("xs", frozen_stages: 2);
        model.train();
        Assert.All(model.patch_embed.parameters(), p => Assert.False(p.requires_grad));
        // Stages 0 and 1: the first blocks, the downsampler into stage 1 and its blocks.
        for (var i = 0; i <= 2; i++)
        {
            Assert.All(model.network[i].parameters(), p => Assert.False(p.requires_grad));
            Assert.False(model.network[i].training);
        }
        Assert.All(model.network[3].parameters(), p => Assert.True(p.requires_grad));
        Assert.True(model.network[3].training);
    }

    [Fact]
    public void HeadAveragesTheTwoClassifiersOnTheNormalisedMeanFeature()
    {
        torch.manual_seed(12);
        using var head = new CasViTHead(5, 8, distillation: true);
        Checks.Randomize(head, new Generator(1));
        using var scope = torch.NewDisposeScope();
        var features = torch.randn(2, 8, 3, 3);
        foreach (var training in new[] { false, true })
        {
            head.train(training);
            using var noGrad = torch.no_grad();
            var normalised = training
                ? F.batch_norm(features, null, null, head.norm.weight, head.norm.bias, true)
                : F.batch_norm(features, head.norm.running_mean, head.norm.running_var, head.norm.weight, head.norm.bias, false);
            var pooled = normalised.mean([2, 3]);
            var cls = F.linear(pooled, head.head.weight, head.head.bias);
            var dist = F.linear(pooled, head.dist_head!.weight, head.dist_head.bias);
            var (pairCls, pairDist) = head.forward_distillation([features]);
            Assert.True(pairCls.allclose(cls, 1e-5, 1e-6), $"cls, training={training}");
            Assert.True(pairDist.allclose(dist, 1e-5, 1e-6), $"dist, training={training}");
            Assert.True(head.forward([features]).allclose(cls.add(dist).div(2), 1e-5, 1e-6), $"average, training={training}");
        }
        Assert.Equal(new[] { "head", "dist_head" }, head.classifier_keys);
        using var plain = new CasViTHead(5, 8);
        Assert.Throws<InvalidOperationException>(() => plain.forward_distillation([features]));
        Assert.Equal(new[] { "head" }, plain.classifier_keys);
    }

    [Fact]
    public void StageListsOtherThanFourStagesAreRejected()
    {
        var three = Assert.Throws<ArgumentException>(() => new CasViT([2, 2, 4], [48, 56, 112]));
        Assert.Contains("four stages", three.Message);
        Assert.Throws<ArgumentException>(() => CasViT.Create("l"));
    }

    [Fact]
    public void OfficialKeysMapToTheBackboneAndTheHead()
    {
        Assert.Equal("backbone.network.6.1.attn.oper_q.0.block.3.weight", CasViT.OfficialKeyMap("network.6.1.attn.oper_q.0.block.3.weight"));
        Assert.Equal("backbone.patch_embed.4.running_var", CasViT.OfficialKeyMap("patch_embed.4.running_var"));
        Assert.Equal("head.norm.weight", CasViT.OfficialKeyMap("norm.weight"));
        Assert.Equal("head.dist_head.bias", CasViT.OfficialKeyMap("dist_head.bias"));
        Assert.Equal("model.head.head.weight", CasViT.OfficialKeyMap("head.weight", "model.backbone.", "model.head."));
        var unknown = Assert.Throws<ArgumentException>(() => CasViT.OfficialKeyMap("norm0.weight"));
        Assert.Contains("norm0.weight", unknown.Message);
    }

    [SkippableFact]
    public void StateDictKeysAndShapesAreTheOfficialOnes()
    {
        TorchReference.Require();
        // rcvit_xs's module tree, written out with plain containers: each Box registers its children in the order
        // the official classes assign them, which is the state-dict order.
        var r = TorchReference.Run("""
import torch.nn as nn
class Box(nn.Module):
    def __init__(self, **children):
        super().__init__()
        for name, child in children.items():
            self.add_module(name, child)
def conv(i, o, k, s=1, p=0, g=1, bias=True):
    return nn.Conv2d(i, o, k, s, p, groups=g, bias=bias)
def bn(c):
    return nn.BatchNorm2d(c)
def spatial(d):
    return Box(block=nn.Sequential(conv(d, d, 3, 1, 1, d), bn(d), nn.ReLU(), conv(d, 1, 1, bias=False), nn.Sigmoid()))
def channel(d):
    return Box(block=nn.Sequential(nn.AdaptiveAvgPool2d(1), conv(d, d, 1, bias=False), nn.Sigmoid()))
def block(d):
    return Box(
        local_perception=Box(network=nn.Sequential(conv(d, d, 1), bn(d), conv(d, d, 3, 1, 1, d), nn.GELU(), conv(d, d, 1))),
        norm1=bn(d),
        attn=Box(qkv=conv(d, 3 * d, 1, bias=False), oper_q=nn.Sequential(spatial(d), channel(d)),
                 oper_k=nn.Sequential(spatial(d), channel(d)), dwc=conv(d, d, 3, 1, 1, d), proj=conv(d, d, 3, 1, 1, d)),
        norm2=bn(d),
        mlp=Box(fc1=conv(d, 4 * d, 1), fc2=conv(4 * d, d, 1)))
depths, widths = [2, 2, 4, 2], [48, 56, 112, 220]
network = []
for i, (n, d) in enumerate(zip(depths, widths)):
    network.append(nn.Sequential(*[block(d) for _ in range(n)]))
    if i < 3:
        network.append(Box(proj=conv(d, widths[i + 1], 3, 2, 1), norm=bn(widths[i + 1])))
model = Box(
    patch_embed=nn.Sequential(conv(3, 24, 3, 2, 1), bn(24), nn.ReLU(), conv(24, 48, 3, 2, 1), bn(48), nn.ReLU()),
    network=nn.ModuleList(network), norm=bn(220), head=nn.Linear(220, 1000), dist_head=nn.Linear(220, 1000))
sd = model.state_dict()
out['keys'] = list(sd.keys())
out['shapes'] = [list(v.shape) for v in sd.values()]
out['params'] = sum(p.numel() for p in model.parameters())
""");
        using var backbone = CasViT.Create("xs");
        using var head = new CasViTHead(1000, 220, distillation: true);
        using var scope = torch.NewDisposeScope();
        var vision = backbone.state_dict().Select(e => ("backbone." + e.Key, e.Value.shape))
            .Concat(head.state_dict().Select(e => ("head." + e.Key, e.Value.shape))).ToList();
        var official = r.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToList();
        var officialShapes = r.GetProperty("shapes").EnumerateArray().Select(s => s.EnumerateArray().Select(d => d.GetInt64()).ToArray()).ToList();

        Assert.Equal(official.Select(k => CasViT.OfficialKeyMap(k)), vision.Select(v => v.Item1));
        for (var i = 0; i < official.Count; i++)
        {
            Assert.True(officialShapes[i].SequenceEqual(vision[i].shape), $"{official[i]}: [{string.Join(", ", officialShapes[i])}] vs [{string.Join(", ", vision[i].shape)}]");
        }
        Assert.Equal(3_200_700, r.GetProperty("params").GetInt64());
    }

    [SkippableFact]
    public void TokenMixerAndBlockFollowTheirFormulasInPyTorch()
    {
        TorchReference.Require();
        torch.manual_seed(13);
        using var block = new AdditiveBlock(8);
        Checks.Randomize(block, new Generator(2));
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(2, 8, 6, 5);
        var inputs = new Dictionary<string, Tensor> { ["x"] = x };
        foreach (var (key, value) in block.state_dict())
        {
            inputs[key] = value.clone();
        }
        var r = TorchReference.Run("""
w = inp
d = 8
def bnorm(t, p, training):
    if training:
        return F.batch_norm(t, None, None, w[p + '.weight'], w[p + '.bias'], True)
    return F.batch_norm(t, w[p + '.running_mean'], w[p + '.running_var'], w[p + '.weight'], w[p + '.bias'], False)
def dw(t, p):
    return F.conv2d(t, w[p + '.weight'], w[p + '.bias'], padding=1, groups=d)
def spatial(t, p, training):
    gate = F.conv2d(F.relu(bnorm(dw(t, p + '.block.0'), p + '.block.1', training)), w[p + '.block.3.weight'])
    return t * torch.sigmoid(gate)
def channel(t, p):
    return t * torch.sigmoid(F.conv2d(t.mean((2, 3), keepdim=True), w[p + '.block.1.weight']))
def catm(t, training):
    q, k, v = F.conv2d(t, w['attn.qkv.weight']).chunk(3, 1)
    q = channel(spatial(q, 'attn.oper_q.0', training), 'attn.oper_q.1')
    k = channel(spatial(k, 'attn.oper_k.0', training), 'attn.oper_k.1')
    return dw(dw(q + k, 'attn.dwc') * v, 'attn.proj')
def block(t, training):
    lp = 'local_perception.network.'
    local = F.conv2d(t, w[lp + '0.weight'], w[lp + '0.bias'])
    local = F.conv2d(F.gelu(dw(bnorm(local, lp + '1', training), lp + '2')), w[lp + '4.weight'], w[lp + '4.bias'])
    t = t + local
    t = t + catm(bnorm(t, 'norm1', training), training)
    hidden = F.gelu(F.conv2d(bnorm(t, 'norm2', training), w['mlp.fc1.weight'], w['mlp.fc1.bias']))
    return t + F.conv2d(hidden, w['mlp.fc2.weight'], w['mlp.fc2.bias'])
x = inp['x']
out['catm_eval'] = catm(x, False)
out['catm_train'] = catm(x, True)
out['block_eval'] = block(x, False)
""", inputs);

        using var noGrad = torch.no_grad();
        block.eval();
        Checks.Close(TorchReference.Doubles(r.GetProperty("catm_eval")), block.attn.forward(x), 1e-5, "CATM (eval)");
        Checks.Close(TorchReference.Doubles(r.GetProperty("block_eval")), block.forward(x), 1e-5, "block (eval)");
        block.attn.train();
        Checks.Close(TorchReference.Doubles(r.GetProperty("catm_train")), block.attn.forward(x), 1e-5, "CATM (batch statistics)");
    }
}
