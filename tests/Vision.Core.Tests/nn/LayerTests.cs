using System.Text.Json;
using Vision.nn;
using Vision.Tests.Reference;

namespace Vision.Tests.nn;

/// <summary>Layers against torch.nn given the same weights (loaded through the state dict, which checks the keys too).</summary>
public class LayerTests
{
    private static JsonElement RunWithState(ModuleDict<Module<Tensor, Tensor>> layers, string script, Dictionary<string, Tensor> inputs)
    {
        foreach (var (key, value) in layers.state_dict())
        {
            inputs.Add(key, value);
        }
        return TorchReference.Run("import torch.nn as nn\n" + script, inputs);
    }

    private static void RandomizeParameters(Module module)
    {
        foreach (var p in module.parameters())
        {
            init.normal_(p);
        }
    }

    [SkippableFact]
    public void LinearAndConvolutionsMatchPyTorch()
    {
        TorchReference.Require();
        using var layers = new ModuleDict<Module<Tensor, Tensor>>(
            ("linear", new Linear(5, 3)),
            ("conv", new Conv2d(4, 6, 3, stride: 2, padding: 1, groups: 2)),
            ("same", new Conv2d(4, 4, (2, 4), padding: "same")),
            ("reflect", new Conv2d(4, 5, 3, padding: 1, bias: false, padding_mode: "reflect")),
            ("dilated", new Conv2d(4, 2, 3, padding: (2, 1), dilation: (2, 1))),
            ("up", new ConvTranspose2d(4, 6, 3, stride: 2, padding: 1, output_padding: 1, groups: 2)));
        using var scope = torch.NewDisposeScope();
        var v = torch.randn(2, 4, 5);
        var x = torch.randn(2, 4, 9, 8);
        var r = RunWithState(layers, """
md = nn.ModuleDict({
    'linear': nn.Linear(5, 3),
    'conv': nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2),
    'same': nn.Conv2d(4, 4, (2, 4), padding='same'),
    'reflect': nn.Conv2d(4, 5, 3, padding=1, bias=False, padding_mode='reflect'),
    'dilated': nn.Conv2d(4, 2, 3, padding=(2, 1), dilation=(2, 1)),
    'up': nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2),
})
md.load_state_dict({k: t for k, t in inp.items() if k not in ('x', 'v')})
out['linear'] = md['linear'](inp['v'])
for k in ['conv', 'same', 'reflect', 'dilated', 'up']:
    y = md[k](inp['x'])
    out[k] = y
    out[k + '_shape'] = list(y.shape)
""", new() { ["v"] = v, ["x"] = x });

        Close.Equal(TorchReference.Doubles(r.GetProperty("linear")), layers["linear"].forward(v), 1e-5, "linear");
        foreach (var name in new[] { "conv", "same", "reflect", "dilated", "up" })
        {
            var y = layers[name].forward(x);
            Assert.Equal(r.GetProperty(name + "_shape").EnumerateArray().Select(d => d.GetInt64()), y.shape);
            Close.Equal(TorchReference.Doubles(r.GetProperty(name)), y, 1e-5, name);
        }
    }

    [SkippableFact]
    public void NormalizationLayersMatchPyTorchIncludingRunningStatistics()
    {
        TorchReference.Require();
        using var layers = new ModuleDict<Module<Tensor, Tensor>>(
            ("bn", new BatchNorm2d(3)),
            ("cum", new BatchNorm2d(3, momentum: null)),
            ("plain", new BatchNorm2d(3, affine: false, track_running_stats: false)),
            ("ln", new LayerNorm([4, 5])),
            ("gn", new GroupNorm(2, 6)));
        RandomizeParameters(layers);
        using var scope = torch.NewDisposeScope();
        Tensor Batch() => torch.randn(4, 3, 5, 5) * 2 + 1;
        var (x1, x2, x3) = (Batch(), Batch(), Batch());
        var xl = torch.randn(2, 3, 4, 5);
        var xg = torch.randn(2, 6, 3, 3);
        var r = RunWithState(layers, """
md = nn.ModuleDict({
    'bn': nn.BatchNorm2d(3),
    'cum': nn.BatchNorm2d(3, momentum=None),
    'plain': nn.BatchNorm2d(3, affine=False, track_running_stats=False),
    'ln': nn.LayerNorm([4, 5]),
    'gn': nn.GroupNorm(2, 6),
})
md.load_state_dict({k: t for k, t in inp.items() if k not in ('x1', 'x2', 'x3', 'xl', 'xg')})
bn, cum, plain = md['bn'], md['cum'], md['plain']
out['bn_train1'] = bn(inp['x1'])
out['bn_train2'] = bn(inp['x2'])
bn.eval()
out['bn_eval'] = bn(inp['x3'])
out['bn_stats'] = [bn.running_mean, bn.running_var, bn.num_batches_tracked.item()]
for x in (inp['x1'], inp['x2'], inp['x3']):
    cum(x)
out['cum_stats'] = [cum.running_mean, cum.running_var, cum.num_batches_tracked.item()]
out['plain_train'] = plain(inp['x1'])
plain.eval()
out['plain_eval'] = plain(inp['x1'])
out['ln'] = md['ln'](inp['xl'])
out['gn'] = md['gn'](inp['xg'])
""", new() { ["x1"] = x1, ["x2"] = x2, ["x3"] = x3, ["xl"] = xl, ["xg"] = xg });

        var bn = (BatchNorm2d)layers["bn"];
        Close.Equal(TorchReference.Doubles(r.GetProperty("bn_train1")), bn.forward(x1), 1e-5, "bn train 1");
        Close.Equal(TorchReference.Doubles(r.GetProperty("bn_train2")), bn.forward(x2), 1e-5, "bn train 2");
        bn.eval();
        Close.Equal(TorchReference.Doubles(r.GetProperty("bn_eval")), bn.forward(x3), 1e-5, "bn eval");
        AssertStats(r.GetProperty("bn_stats"), bn, 2);

        var cum = (BatchNorm2d)layers["cum"];
        foreach (var x in new[] { x1, x2, x3 })
        {
            cum.forward(x);
        }
        AssertStats(r.GetProperty("cum_stats"), cum, 3);
        // momentum=None is the plain average of the batch means.
        Close.Equal((x1.mean([0, 2, 3]) + x2.mean([0, 2, 3]) + x3.mean([0, 2, 3])).div(3).data<double>(), cum.running_mean!, 1e-5, "cumulative mean");

        var plain = layers["plain"];
        Close.Equal(TorchReference.Doubles(r.GetProperty("plain_train")), plain.forward(x1), 1e-5, "no running stats, train");
        plain.eval();
        Close.Equal(TorchReference.Doubles(r.GetProperty("plain_eval")), plain.forward(x1), 1e-5, "no running stats, eval");
        Close.Equal(TorchReference.Doubles(r.GetProperty("ln")), layers["ln"].forward(xl), 1e-5, "layer norm");
        Close.Equal(TorchReference.Doubles(r.GetProperty("gn")), layers["gn"].forward(xg), 1e-5, "group norm");
    }

    private static void AssertStats(JsonElement expected, BatchNorm2d bn, long batches)
    {
        var e = expected.EnumerateArray().ToArray();
        Close.Equal(TorchReference.Doubles(e[0]), bn.running_mean!, 1e-5, "running_mean");
        Close.Equal(TorchReference.Doubles(e[1]), bn.running_var!, 1e-5, "running_var");
        Assert.Equal(batches, e[2].GetInt64());
        Assert.Equal(batches, bn.num_batches_tracked!.item<long>());
    }

    [SkippableFact]
    public void ActivationsPoolsAndEmbeddingMatchPyTorch()
    {
        TorchReference.Require();
        using var layers = new ModuleDict<Module<Tensor, Tensor>>(
            ("relu", new ReLU()), ("gelu", new GELU()), ("gelu_tanh", new GELU("tanh")), ("silu", new SiLU()),
            ("hardswish", new Hardswish()), ("hardsigmoid", new Hardsigmoid()), ("sigmoid", new Sigmoid()), ("tanh", new Tanh()),
            ("leaky", new LeakyReLU(0.2)), ("softmax", new Softmax(1)),
            ("maxpool", new MaxPool2d(3, stride: 2, padding: 1)), ("maxpool_ceil", new MaxPool2d((2, 3), ceil_mode: true)),
            ("avgpool", new AvgPool2d(3, stride: 2, padding: 1, count_include_pad: false)), ("avgpool2", new AvgPool2d(2)),
            ("adaptive_avg", new AdaptiveAvgPool2d((3, 2))), ("adaptive_max", new AdaptiveMaxPool2d(2)),
            ("flatten", new Flatten()), ("identity", new Identity()),
            ("embedding", new Embedding(10, 4, padding_idx: -1)));
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(2, 3, 7, 7) * 3;
        var ids = torch.tensor(new long[] { 1, 9, 3, 3, 0, 9 }, 2, 3);
        var r = RunWithState(layers, """
md = nn.ModuleDict({
    'relu': nn.ReLU(), 'gelu': nn.GELU(), 'gelu_tanh': nn.GELU('tanh'), 'silu': nn.SiLU(),
    'hardswish': nn.Hardswish(), 'hardsigmoid': nn.Hardsigmoid(), 'sigmoid': nn.Sigmoid(), 'tanh': nn.Tanh(),
    'leaky': nn.LeakyReLU(0.2), 'softmax': nn.Softmax(1),
    'maxpool': nn.MaxPool2d(3, stride=2, padding=1), 'maxpool_ceil': nn.MaxPool2d((2, 3), ceil_mode=True),
    'avgpool': nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), 'avgpool2': nn.AvgPool2d(2),
    'adaptive_avg': nn.AdaptiveAvgPool2d((3, 2)), 'adaptive_max': nn.AdaptiveMaxPool2d(2),
    'flatten': nn.Flatten(), 'identity': nn.Identity(),
    'embedding': nn.Embedding(10, 4, padding_idx=-1),
})
md.load_state_dict({'embedding.weight': inp['embedding.weight']})
for k, m in md.items():
    y = m(inp['ids'] if k == 'embedding' else inp['x'])
    out[k] = y
    out[k + '_shape'] = list(y.shape)
e = md['embedding']
e(inp['ids']).sum().backward()
out['embedding_grad'] = e.weight.grad
""", new() { ["x"] = x, ["ids"] = ids });

        foreach (var (name, layer) in layers)
        {
            var y = layer.forward(name == "embedding" ? ids : x);
            Assert.Equal(r.GetProperty(name + "_shape").EnumerateArray().Select(d => d.GetInt64()), y.shape);
            Close.Equal(TorchReference.Doubles(r.GetProperty(name)), y, 1e-5, name);
        }
        var embedding = (Embedding)layers["embedding"];
        Assert.Equal(9L, embedding.padding_idx);
        embedding.forward(ids).sum().backward();
        // The padding row (9, used twice) gets no gradient; row 3 (used twice) gets 2 per element.
        Close.Equal(TorchReference.Doubles(r.GetProperty("embedding_grad")), embedding.weight.grad!, 0, "embedding gradient");
    }

    [SkippableFact]
    public void DefaultInitialisationDrawsWhatPyTorchDraws()
    {
        TorchReference.Require();
        // PyTorch initialises in the constructor from the global generator; ours re-draws from an explicit one
        // seeded the same way, so the values must agree exactly if the formulas and draw order are PyTorch's.
        using var layers = new ModuleDict<Module<Tensor, Tensor>>(
            ("linear", new Linear(20, 30)),
            ("conv", new Conv2d(8, 16, (3, 5), groups: 2)),
            ("up", new ConvTranspose2d(4, 6, 3, groups: 2)),
            ("embedding", new Embedding(10, 4, padding_idx: 1)));
        using var generator = new Generator(7);
        ((Linear)layers["linear"]).reset_parameters(generator);
        ((Conv2d)layers["conv"]).reset_parameters(generator);
        ((ConvTranspose2d)layers["up"]).reset_parameters(generator);
        ((Embedding)layers["embedding"]).reset_parameters(generator);
        using var scope = torch.NewDisposeScope();
        var r = TorchReference.Run("""
import torch.nn as nn
torch.manual_seed(7)
md = nn.ModuleDict({
    'linear': nn.Linear(20, 30),
    'conv': nn.Conv2d(8, 16, (3, 5), groups=2),
    'up': nn.ConvTranspose2d(4, 6, 3, groups=2),
    'embedding': nn.Embedding(10, 4, padding_idx=1),
})
out['state'] = {k: v for k, v in md.state_dict().items()}
""");
        var expected = r.GetProperty("state");
        foreach (var (key, value) in layers.state_dict())
        {
            Close.Equal(TorchReference.Doubles(expected.GetProperty(key)), value, 1e-7, key);
        }
    }
}
