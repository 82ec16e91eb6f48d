using System.Text.Json;
using Vision.Models.Backbones;
using Vision.Models.Backbones.AdditiveAttention;
using Vision.Models.Registry;
using Vision.Tests.Reference;

namespace Vision.Models.Transformers.Tests;

/// <summary>
/// cas-vit-xs against benchmarks/pytorch/casvit.py, an independent PyTorch transcription of the official RCViT that
/// the throughput benchmark also times: the same weights, loaded under the official keys, must give the same logits,
/// loss and gradients. Both sides call the same libtorch kernels in the same order, so on one thread the values came
/// out bit-identical; the 1e-4 tolerance leaves room for other thread counts and builds, not for a different formula
/// (feeding the MLP from norm1 instead of norm2 moves the logits by 3 %).
/// </summary>
public class CasViTPyTorchParityTests
{
    // A parameter from each kind of layer: stem conv, the spatial gate's 1x1, the channel gate, a downsampler, the
    // local branch, the last MLP, the head's norm and both classifiers.
    private static readonly string[] GradientKeys =
    [
        "patch_embed.0.weight", "network.0.1.attn.oper_q.0.block.3.weight", "network.2.0.attn.oper_k.1.block.1.weight",
        "network.3.proj.weight", "network.4.3.local_perception.network.2.weight", "network.6.1.mlp.fc2.bias",
        "norm.weight", "head.weight", "dist_head.bias",
    ];

    [SkippableFact]
    public void LogitsLossAndGradientsEqualTheOfficialDesignInPyTorch()
    {
        TorchReference.Require();
        torch.manual_seed(31);
        using var model = ModelRegistry.Create("cas-vit-xs", num_classes: 7, img_size: 64, new Dictionary<string, string> { ["distillation"] = "true" });
        // Away from the initial values, so BN affines, biases and running statistics all matter to the output. The
        // randomized statistics are then pulled towards real ones by training-mode passes: with the random ones alone
        // the multiplicative gates blow evaluation up to inf by the third stage.
        Checks.Randomize(model, new Generator(5));
        using var scope = torch.NewDisposeScope();
        model.train();
        using (torch.no_grad())
        {
            for (var i = 0; i < 10; i++)
            {
                model.forward(torch.randn(4, 3, 64, 64));
            }
        }
        var x = torch.randn(4, 3, 64, 64);
        var labels = torch.tensor(new long[] { 0, 6, 3, 3 }, 4);
        var inputs = new Dictionary<string, Tensor> { ["x"] = x, ["labels"] = labels };
        foreach (var (key, value) in model.state_dict())
        {
            // Vision keys are the official ones under "backbone." or "head.": strip the mount point and check that
            // the official key map sends the key back where it came from.
            var official = key[(key.IndexOf('.', StringComparison.Ordinal) + 1)..];
            Assert.Equal(key, CasViT.OfficialKeyMap(official));
            inputs[official] = value.clone();
        }

        var r = TorchReference.Run($$"""
import os
sys.path.insert(0, os.path.join({{JsonSerializer.Serialize(RepositoryRoot())}}, "benchmarks", "pytorch"))
import casvit
m = casvit.create("xs", num_classes=7, distillation=True, drop_path_rate=0.0)
state = {k: v for k, v in inp.items() if k not in ("x", "labels")}
m.load_state_dict(state, strict=True)
m.eval()
with torch.no_grad():
    out["eval"] = m(inp["x"])
m.train()
cls, dist = m(inp["x"])
# Vision's head trains on the mean of both classifiers (the evaluation output); the official model hands back the pair.
loss = F.cross_entropy((cls + dist) / 2, inp["labels"])
loss.backward()
out["loss"] = loss
grads = dict(m.named_parameters())
out["grads"] = {k: grads[k].grad for k in {{JsonSerializer.Serialize(GradientKeys)}}}
out["running_mean"] = m.network[6][1].norm2.running_mean
""", inputs);

        model.eval();
        using (torch.no_grad())
        {
            Checks.Close(TorchReference.Doubles(r.GetProperty("eval")), model.forward(x), 1e-4, "logits (eval)");
        }
        model.train();
        var loss = model.loss(x, labels);
        loss.backward();
        Checks.Close(TorchReference.Doubles(r.GetProperty("loss")), loss, 1e-4, "loss (train)");
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var key in GradientKeys)
        {
            Checks.Close(TorchReference.Doubles(r.GetProperty("grads").GetProperty(key)), parameters[CasViT.OfficialKeyMap(key)].grad!, 1e-4, $"grad {key}");
        }
        // The training forward updated the BatchNorm statistics the same way (momentum 0.1, unbiased variance).
        var block = (AdditiveBlock)((CasViT)model.backbone).Stage(3)[1];
        Checks.Close(TorchReference.Doubles(r.GetProperty("running_mean")), block.norm2.running_mean!, 1e-4, "running_mean");
    }

    // The checkout's root (where Vision.sln is), found from the test assembly's directory.
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Vision.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException($"No Vision.sln above {AppContext.BaseDirectory}.");
    }
}
