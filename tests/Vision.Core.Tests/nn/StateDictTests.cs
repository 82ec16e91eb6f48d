using Vision.nn;
using Vision.Tests.Reference;

namespace Vision.Tests.nn;

public class StateDictTests
{
    private static string TorchName(ScalarType t) => t switch
    {
        ScalarType.Float32 => "torch.float32",
        ScalarType.Int64 => "torch.int64",
        _ => t.ToString(),
    };

    [SkippableFact]
    public void KeysShapesAndOutputsMatchPyTorch()
    {
        TorchReference.Require();
        using var net = new TinyNet();
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(2, 3, 5, 5);
        var state = net.state_dict();
        var inputs = new Dictionary<string, Tensor>(state) { ["x"] = x };
        var r = TorchReference.Run(TinyNet.Python + """
net = TinyNet()
sd = net.state_dict()
out['keys'] = list(sd.keys())
out['shapes'] = [list(v.shape) for v in sd.values()]
out['dtypes'] = [str(v.dtype) for v in sd.values()]
out['params'] = [n for n, _ in net.named_parameters()]
out['buffers'] = [n for n, _ in net.named_buffers()]
out['modules'] = [n for n, _ in net.named_modules()]
net.load_state_dict({k: inp[k] for k in sd.keys()})
out['y_train'] = net(inp['x'])
bn = net.features[1]
out['running_mean'] = bn.running_mean
out['running_var'] = bn.running_var
out['batches'] = bn.num_batches_tracked.item()
net.eval()
out['y_eval'] = net(inp['x'])
""", inputs);
        static string[] Strings(System.Text.Json.JsonElement e) => e.EnumerateArray().Select(s => s.GetString()!).ToArray();
        Assert.Equal(Strings(r.GetProperty("keys")), state.Keys);
        Assert.Equal(r.GetProperty("shapes").EnumerateArray().Select(s => string.Join(",", s.EnumerateArray().Select(d => d.GetInt64()))),
            state.Values.Select(t => string.Join(",", t.shape)));
        Assert.Equal(Strings(r.GetProperty("dtypes")), state.Values.Select(t => TorchName(t.dtype)));
        Assert.Equal(Strings(r.GetProperty("params")), net.named_parameters().Select(p => p.name));
        Assert.Equal(Strings(r.GetProperty("buffers")), net.named_buffers().Select(b => b.name));
        Assert.Equal(Strings(r.GetProperty("modules")), net.named_modules().Select(m => m.name));

        Close.Equal(TorchReference.Doubles(r.GetProperty("y_train")), net.forward(x), 1e-5, "training output");
        Close.Equal(TorchReference.Doubles(r.GetProperty("running_mean")), net.bn.running_mean!, 1e-5, "running_mean");
        Close.Equal(TorchReference.Doubles(r.GetProperty("running_var")), net.bn.running_var!, 1e-5, "running_var");
        Assert.Equal(r.GetProperty("batches").GetInt64(), net.bn.num_batches_tracked!.item<long>());
        net.eval();
        Close.Equal(TorchReference.Doubles(r.GetProperty("y_eval")), net.forward(x), 1e-5, "evaluation output");
    }

    [Fact]
    public void StrictLoadListsEveryProblemInOneErrorAndChangesNothing()
    {
        using var net = new TinyNet();
        using var other = new TinyNet(classes: 3);
        using var scope = torch.NewDisposeScope();
        var state = other.state_dict();
        state.Remove("features.1.running_var");
        state["extra.weight"] = torch.zeros(1);
        var before = net.state_dict().ToDictionary(e => e.Key, e => e.Value.clone());

        var e = Assert.Throws<ArgumentException>(() => net.load_state_dict(state));
        Assert.Contains("Error(s) in loading state_dict for TinyNet", e.Message);
        Assert.Contains("Missing key(s) in state_dict: \"features.1.running_var\".", e.Message);
        Assert.Contains("Unexpected key(s) in state_dict: \"extra.weight\".", e.Message);
        Assert.Contains("size mismatch for head.weight: copying a tensor with shape [3, 4] from the state dict, the shape in the current model is [2, 4].", e.Message);
        Assert.Contains("size mismatch for head.bias: copying a tensor with shape [3] from the state dict, the shape in the current model is [2].", e.Message);
        // The conv weight was valid and listed first: a load that copied as it went would have changed it.
        foreach (var (key, value) in net.state_dict())
        {
            Assert.True(before[key].equal(value), $"{key} changed by a failed load");
        }

        // Shape mismatches fail even when not strict.
        Assert.Contains("size mismatch for head.weight", Assert.Throws<ArgumentException>(() => net.load_state_dict(state, strict: false)).Message);

        state.Remove("head.weight");
        state.Remove("head.bias");
        var result = net.load_state_dict(state, strict: false);
        Assert.Equal(["features.1.running_var", "head.weight", "head.bias"], result.missing_keys);
        Assert.Equal(["extra.weight"], result.unexpected_keys);
        Assert.True(net.features[0].named_parameters().Single().parameter.equal(other.features[0].named_parameters().Single().parameter));
        Assert.True(before["head.weight"].equal(net.head.weight));
    }

    [Fact]
    public void CheckpointWithoutBatchCounterLoadsStrictly()
    {
        using var net = new TinyNet();
        using var source = new TinyNet();
        using var scope = torch.NewDisposeScope();
        var state = source.state_dict();
        state.Remove("features.1.num_batches_tracked");
        var result = net.load_state_dict(state);
        Assert.Empty(result.missing_keys);
        Assert.Equal(0L, net.bn.num_batches_tracked!.item<long>());
        Assert.True(net.head.weight.equal(source.head.weight));
    }

    [Fact]
    public void RoundTripIntoAFreshModelReproducesOutputs()
    {
        using var trained = new TinyNet();
        using var fresh = new TinyNet();
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(4, 3, 6, 6);
        trained.forward(x); // moves the BatchNorm running statistics away from their initial values
        trained.eval();
        fresh.eval();
        var weight = fresh.head.weight;

        var result = fresh.load_state_dict(trained.state_dict());

        Assert.Empty(result.missing_keys);
        Assert.Empty(result.unexpected_keys);
        Assert.Same(weight, fresh.head.weight);
        Assert.True(trained.forward(x).equal(fresh.forward(x)));
        Assert.Equal(1L, fresh.bn.num_batches_tracked!.item<long>());
        // Values were copied, not aliased: changing the source afterwards leaves the loaded model alone.
        using (torch.no_grad())
        {
            trained.head.weight.add_(1);
        }
        Assert.False(trained.head.weight.equal(fresh.head.weight));
    }

    [Fact]
    public void StateDictValuesAreDetachedViewsOfTheModel()
    {
        using var net = new Linear(2, 2);
        using var scope = torch.NewDisposeScope();
        var state = net.state_dict();
        Assert.False(state["weight"].requires_grad);
        Assert.True(state["weight"].shares_storage_with(net.weight));
        state["bias"].Dispose();
        Assert.False(net.bias!.IsDisposed);
    }
}
