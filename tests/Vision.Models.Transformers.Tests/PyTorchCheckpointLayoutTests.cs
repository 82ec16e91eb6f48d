using System.Text.Json;
using Vision.Models.Backbones;
using Vision.Models.Heads;
using Vision.Models.Registry;
using Vision.Models.Weights;
using Vision.Serialization;
using Vision.Tests.Reference;

namespace Vision.Models.Transformers.Tests;

/// <summary>
/// MMPreTrain and official CAS-ViT checkpoints, as <c>torch.save</c> writes them, load through the detected key
/// layout: an MMPreTrain-layout ViT (an independent PyTorch transcription of MMPreTrain's module tree: ln1/ln2,
/// attn.qkv, ffn.layers, patch_embed.projection, final ln1, head.layers.head) gives the same logits, and an official
/// CAS-ViT file with or without <c>dist_head</c> builds the matching head.
/// </summary>
public sealed class PyTorchCheckpointLayoutTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("vision-pth-layouts-");

    public void Dispose() => dir.Delete(recursive: true);

    /// <summary>A torch module tree named as MMPreTrain names its ViT; the forward follows the ViT paper (pre-norm, class token).</summary>
    internal const string MMPreTrainViTScript = """
        class Attn(torch.nn.Module):
            def __init__(s, d, h):
                super().__init__(); s.h = h; s.qkv = torch.nn.Linear(d, 3 * d); s.proj = torch.nn.Linear(d, d)
            def forward(s, x):
                n, t, d = x.shape
                q, k, v = s.qkv(x).reshape(n, t, 3, s.h, d // s.h).permute(2, 0, 3, 1, 4)
                a = (q @ k.transpose(-2, -1) * (d // s.h) ** -0.5).softmax(-1)
                return s.proj((a @ v).transpose(1, 2).reshape(n, t, d))
        class Ffn(torch.nn.Module):
            def __init__(s, d, m):
                super().__init__()
                s.layers = torch.nn.Sequential(torch.nn.Sequential(torch.nn.Linear(d, m), torch.nn.GELU(), torch.nn.Dropout(0.0)), torch.nn.Linear(m, d), torch.nn.Dropout(0.0))
            def forward(s, x):
                return s.layers(x)
        class Layer(torch.nn.Module):
            def __init__(s, d, h, m):
                super().__init__(); s.ln1 = torch.nn.LayerNorm(d, eps=1e-6); s.attn = Attn(d, h); s.ln2 = torch.nn.LayerNorm(d, eps=1e-6); s.ffn = Ffn(d, m)
            def forward(s, x):
                x = x + s.attn(s.ln1(x))
                return x + s.ffn(s.ln2(x))
        class PatchEmbed(torch.nn.Module):
            def __init__(s, p, d):
                super().__init__(); s.projection = torch.nn.Conv2d(3, d, p, stride=p)
        class Backbone(torch.nn.Module):
            def __init__(s, img, p, d, depth, h, m):
                super().__init__()
                s.patch_embed = PatchEmbed(p, d)
                s.cls_token = torch.nn.Parameter(torch.randn(1, 1, d) * 0.02)
                s.pos_embed = torch.nn.Parameter(torch.randn(1, 1 + (img // p) ** 2, d) * 0.02)
                s.layers = torch.nn.ModuleList([Layer(d, h, m) for _ in range(depth)])
                s.ln1 = torch.nn.LayerNorm(d, eps=1e-6)
            def forward(s, x):
                x = s.patch_embed.projection(x).flatten(2).transpose(1, 2)
                x = torch.cat([s.cls_token.expand(x.shape[0], -1, -1), x], 1) + s.pos_embed
                for layer in s.layers:
                    x = layer(x)
                return s.ln1(x)[:, 0]
        class Head(torch.nn.Module):
            def __init__(s, d, c):
                super().__init__(); s.layers = torch.nn.Sequential(); s.layers.add_module("head", torch.nn.Linear(d, c))
        class Classifier(torch.nn.Module):
            def __init__(s, img, p, d, depth, h, m, c):
                super().__init__(); s.backbone = Backbone(img, p, d, depth, h, m); s.head = Head(d, c)
            def forward(s, x):
                return s.head.layers(s.backbone(x))
        """;

    [SkippableFact]
    public void AnMMPreTrainLayoutViTPthGivesTheSameLogits()
    {
        var path = Path.Combine(dir.FullName, "vit_mmpretrain.pth");
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(2, 3, 32, 32);
        var r = TorchReference.Run(MMPreTrainViTScript + "\n" + $$"""
            torch.manual_seed(0)
            m = Classifier(32, 8, 48, 2, 3, 96, 5).eval()
            torch.save({"meta": {"mmengine_version": "0.10.4", "epoch": 1}, "state_dict": m.state_dict()}, {{JsonSerializer.Serialize(path)}})
            with torch.no_grad():
                out["logits"] = m(inp["x"])
            """, new Dictionary<string, Tensor> { ["x"] = x });

        using var model = new ImageClassifier(new VisionTransformer(32, 8, 48, 2, 3, 96), null, new VisionTransformerClsHead(5, 48));
        var result = PretrainedWeights.Load(model, path);
        Assert.Equal("mmpretrain-vit", result.Layout);
        Assert.Equal(model.state_dict().Count, result.LoadedKeys.Count);
        model.eval();
        using (torch.no_grad())
        {
            Checks.Close(TorchReference.Doubles(r.GetProperty("logits")), model.forward(x).to(ScalarType.Float64), 1e-4, "logits");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AnOfficialCasViTFileBuildsTheHeadItsKeysCallFor(bool distillation)
    {
        var path = Path.Combine(dir.FullName, $"rcvit_xs_{distillation}.pth");
        using var scope = torch.NewDisposeScope();
        using (var source = ModelRegistry.Create("cas-vit-xs", num_classes: 4, img_size: 64, new Dictionary<string, string> { ["distillation"] = distillation ? "true" : "false" }))
        {
            // The official keys: Vision's without the "backbone." / "head." mount points.
            TorchCheckpoint.Save(source.state_dict().ToDictionary(e => e.Key[(e.Key.IndexOf('.', StringComparison.Ordinal) + 1)..], e => e.Value), path);
        }

        var implied = PretrainedWeights.ImpliedOverrides(path);
        Assert.Equal(distillation ? "true" : "false", implied["distillation"]);
        using var model = ModelRegistry.Create("cas-vit-xs", num_classes: 4, img_size: 64, implied);
        var result = PretrainedWeights.Load(model, path);
        Assert.Equal("casvit", result.Layout);
        Assert.Empty(result.UnexpectedKeys);
        Assert.Equal(distillation, ((CasViTHead)model.head).dist_head is not null);
        Assert.Equal(model.state_dict().Count, result.LoadedKeys.Count);
    }
}
