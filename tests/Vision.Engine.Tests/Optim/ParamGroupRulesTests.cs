using Vision.Engine.Optim;

namespace Vision.Engine.Tests.Optim;

public sealed class ParamGroupRulesTests
{
    private const double Lr = 1e-3;
    private const double Wd = 0.05;

    /// <summary>A ViT-like model with two blocks: names and shapes as timm names them.</summary>
    private static (string Name, Tensor Param)[] VitParams()
    {
        (string, long[])[] spec =
        [
            ("cls_token", [1, 1, 4]), ("pos_embed", [1, 5, 4]), ("patch_embed.proj.weight", [4, 3, 2, 2]), ("patch_embed.proj.bias", [4]),
            ("blocks.0.norm1.weight", [4]), ("blocks.0.norm1.bias", [4]), ("blocks.0.attn.qkv.weight", [12, 4]), ("blocks.0.attn.qkv.bias", [12]),
            ("blocks.1.ls1.gamma", [4]), ("blocks.1.mlp.fc1.weight", [8, 4]), ("blocks.1.mlp.fc1.bias", [8]),
            ("norm.weight", [4]), ("norm.bias", [4]), ("head.weight", [10, 4]), ("head.bias", [10]),
        ];
        return spec.Select(s => (s.Item1, torch.zeros(s.Item2, torch.float32).DetachFromDisposeScope().requires_grad_())).ToArray();
    }

    private static Dictionary<string, (double Lr, double Wd)> Assignments((string Name, Tensor Param)[] named, List<ParamGroup> groups)
    {
        var result = new Dictionary<string, (double, double)>();
        foreach (var (name, p) in named)
        {
            var group = groups.SingleOrDefault(g => g.@params.Any(q => ReferenceEquals(q, p)));
            if (group is not null)
            {
                result[name] = (group.lr, group.weight_decay);
            }
        }
        return result;
    }

    [Fact]
    public void ViTRulesWithLayerDecayGiveMMPreTrainsValues()
    {
        var named = VitParams();
        var frozen = torch.zeros([3]).DetachFromDisposeScope();
        var rules = new ParamGroupRules
        {
            CustomKeys = new Dictionary<string, CustomKey> { [".cls_token"] = new(DecayMult: 0), [".pos_embed"] = new(DecayMult: 0), ["head"] = new(LrMult: 10) },
            BiasDecayMult = 0,
            NormDecayMult = 0,
            FlatDecayMult = 0,
            LayerDecayRate = 0.5,
            NumLayers = 2,
        };
        var groups = rules.Build([.. named, ("frozen", frozen)], Lr, Wd);
        var got = Assignments(named, groups);

        // Layer ids: embeddings 0, blocks.N -> N + 1, the rest NumLayers + 1 = 3; scale = 0.5^(3 - id).
        var expected = new Dictionary<string, (double, double)>
        {
            ["cls_token"] = (Lr * 0.125, 0),
            ["pos_embed"] = (Lr * 0.125, 0),
            ["patch_embed.proj.weight"] = (Lr * 0.125, Wd),
            ["patch_embed.proj.bias"] = (Lr * 0.125, 0),
            ["blocks.0.norm1.weight"] = (Lr * 0.25, 0),
            ["blocks.0.norm1.bias"] = (Lr * 0.25, 0),
            ["blocks.0.attn.qkv.weight"] = (Lr * 0.25, Wd),
            ["blocks.0.attn.qkv.bias"] = (Lr * 0.25, 0),
            ["blocks.1.ls1.gamma"] = (Lr * 0.5, 0),
            ["blocks.1.mlp.fc1.weight"] = (Lr * 0.5, Wd),
            ["blocks.1.mlp.fc1.bias"] = (Lr * 0.5, 0),
            ["norm.weight"] = (Lr, 0),
            ["norm.bias"] = (Lr, 0),
            // A custom key overrides every other rule, the bias rule included (MMEngine).
            ["head.weight"] = (Lr * 10, Wd),
            ["head.bias"] = (Lr * 10, Wd),
        };
        Assert.Equal(expected.Count, got.Count);
        foreach (var (name, (lr, wd)) in expected)
        {
            Assert.True(Math.Abs(got[name].Lr - lr) < 1e-15 && got[name].Wd == wd, $"{name}: got {got[name]}, expected ({lr}, {wd})");
        }
        Assert.DoesNotContain(groups, g => g.@params.Any(p => ReferenceEquals(p, frozen)));
        // Parameters with equal settings share a group, in order of first appearance.
        Assert.Equal(expected.Values.Distinct().Count(), groups.Count);
        Assert.Equal(["cls_token", "pos_embed", "patch_embed.proj.bias"],
            groups[0].@params.Select(p => named.Single(n => ReferenceEquals(n.Param, p)).Name));
    }

    [Fact]
    public void WithoutLayerDecayBiasAndNormRulesApplyAsInMMEngine()
    {
        var named = VitParams();
        var rules = new ParamGroupRules { BiasLrMult = 2, BiasDecayMult = 0.5, FlatDecayMult = 0.1 };
        var got = Assignments(named, rules.Build(named, Lr, Wd));
        Assert.Equal((Lr * 2, Wd * 0.5), got["blocks.0.attn.qkv.bias"]);
        // Norm-layer biases are not "biases" for BiasLrMult; without NormDecayMult the bias decay rule still applies.
        Assert.Equal((Lr, Wd * 0.5), got["norm.bias"]);
        Assert.Equal((Lr, Wd * 0.1), got["norm.weight"]);
        Assert.Equal((Lr, Wd * 0.1), got["blocks.1.ls1.gamma"]);
        Assert.Equal((Lr, Wd), got["cls_token"]);
        Assert.Equal((Lr, Wd), got["head.weight"]);
    }

    [Fact]
    public void LongestCustomKeyWinsAndTiesGoAlphabetically()
    {
        var named = VitParams();
        var rules = new ParamGroupRules
        {
            CustomKeys = new Dictionary<string, CustomKey>
            {
                ["blocks"] = new(LrMult: 2), ["blocks.0"] = new(LrMult: 3), ["mlp"] = new(LrMult: 5), ["fc1"] = new(LrMult: 7),
            },
        };
        var got = Assignments(named, rules.Build(named, Lr, Wd));
        Assert.Equal(Lr * 3, got["blocks.0.attn.qkv.weight"].Lr);
        Assert.Equal(Lr * 2, got["blocks.1.ls1.gamma"].Lr);
        Assert.Equal(Lr * 2, got["blocks.1.mlp.fc1.weight"].Lr);
        Assert.Equal(Lr, got["norm.weight"].Lr);

        var tie = new ParamGroupRules { CustomKeys = new Dictionary<string, CustomKey> { ["mlp"] = new(LrMult: 5), ["fc1"] = new(LrMult: 7) } };
        Assert.Equal(Lr * 7, Assignments(named, tie.Build(named, Lr, Wd))["blocks.1.mlp.fc1.weight"].Lr);
    }

    [Fact]
    public void NormParametersComeFromTheGivenSetOrTheNameHeuristic()
    {
        Assert.True(ParamGroupRules.IsNormName("layer1.0.bn1.weight"));
        Assert.True(ParamGroupRules.IsNormName("blocks.3.norm2.bias"));
        Assert.True(ParamGroupRules.IsNormName("fc_norm.weight"));
        Assert.True(ParamGroupRules.IsNormName("stages.0.LayerNorm.weight"));
        Assert.False(ParamGroupRules.IsNormName("layer1.0.downsample.1.weight"));
        Assert.False(ParamGroupRules.IsNormName("conv1.weight"));
        Assert.False(ParamGroupRules.IsNormName("bias"));

        var named = VitParams();
        var rules = new ParamGroupRules { NormDecayMult = 0, NormParams = new HashSet<string> { "head.weight" } };
        var got = Assignments(named, rules.Build(named, Lr, Wd));
        Assert.Equal(0, got["head.weight"].Wd);
        Assert.Equal(Wd, got["norm.weight"].Wd);
    }

    [Fact]
    public void VitLayerIdFollowsMMPreTrain()
    {
        Assert.Equal(0, ParamGroupRules.VitLayerId("backbone.cls_token", 12));
        Assert.Equal(0, ParamGroupRules.VitLayerId("patch_embed.projection.weight", 12));
        Assert.Equal(1, ParamGroupRules.VitLayerId("blocks.0.attn.proj.weight", 12));
        Assert.Equal(12, ParamGroupRules.VitLayerId("backbone.layers.11.ffn.layers.0.0.weight", 12));
        Assert.Equal(13, ParamGroupRules.VitLayerId("head.fc.weight", 12));
        Assert.Equal(13, ParamGroupRules.VitLayerId("backbone.ln1.weight", 12));
    }

    [Fact]
    public void InvalidRulesAreRejectedWithTheirName()
    {
        var named = VitParams();
        Assert.Equal("bias_decay_mult must be >= 0, got -1",
            Assert.Throws<ArgumentException>(() => new ParamGroupRules { BiasDecayMult = -1 }.Build(named, Lr, Wd)).Message);
        Assert.Equal("custom_keys['head'].lr_mult must be >= 0, got -2",
            Assert.Throws<ArgumentException>(() => new ParamGroupRules { CustomKeys = new Dictionary<string, CustomKey> { ["head"] = new(LrMult: -2) } }.Build(named, Lr, Wd)).Message);
        Assert.Contains("num_layers is required",
            Assert.Throws<ArgumentException>(() => new ParamGroupRules { LayerDecayRate = 0.65 }.Build(named, Lr, Wd)).Message);
        Assert.Contains("outside [0, num_layers + 1 = 3]",
            Assert.Throws<InvalidOperationException>(() => new ParamGroupRules { LayerDecayRate = 0.65, NumLayers = 2, GetLayerId = _ => 7 }.Build(named, Lr, Wd)).Message);
    }

    [Fact]
    public void AutoScaleLrIsLinearInTheBatchSize()
    {
        Assert.Equal(0.025, AutoScaleLr.Scale(0.1, baseBatchSize: 256, realBatchSize: 64), 15);
        Assert.Equal(0.4, AutoScaleLr.Scale(0.1, baseBatchSize: 256, realBatchSize: 1024), 15);
        Assert.Equal("base_batch_size must be > 0, got 0", Assert.Throws<ArgumentException>(() => AutoScaleLr.Scale(0.1, 0, 64)).Message);
    }
}
