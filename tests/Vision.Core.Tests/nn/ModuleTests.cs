using Vision.nn;
using Vision.Tests.Reference;

namespace Vision.Tests.nn;

public class ModuleTests
{
    /// <summary>A module with a non-persistent buffer and a child shared under two names.</summary>
    private sealed class Shared : Module
    {
        public Shared()
        {
            var linear = new Linear(2, 2);
            register_module("a", linear);
            register_module("b", linear);
            register_buffer("scale", torch.ones(1));
            register_buffer("cache", torch.zeros(1), persistent: false);
        }
    }

    [Fact]
    public void TreeNamesFollowPyTorchOrder()
    {
        using var net = new TinyNet();
        Assert.Equal(["", "features", "features.0", "features.1", "features.2", "pool", "head"], net.named_modules().Select(m => m.name));
        Assert.Equal(["features", "pool", "head"], net.named_children().Select(m => m.name));
        Assert.Equal(["features.0.weight", "features.1.weight", "features.1.bias", "head.weight", "head.bias"],
            net.named_parameters().Select(p => p.name));
        Assert.Equal(["features.1.running_mean", "features.1.running_var", "features.1.num_batches_tracked"],
            net.named_buffers().Select(b => b.name));
        Assert.Equal(["0.weight"], net.features.named_parameters(recurse: true).Take(1).Select(p => p.name));
        Assert.Equal(["net.head.weight", "net.head.bias"], net.head.named_parameters("net.head").Select(p => p.name));
        Assert.Empty(net.named_parameters(recurse: false));
        Assert.Same(net.head.weight, net.parameters().ElementAt(3));
        Assert.Equal(7, net.modules().Count());
    }

    [Fact]
    public void SharedMembersAreListedOnceButSavedUnderEveryName()
    {
        using var m = new Shared();
        Assert.Equal(["a.weight", "a.bias"], m.named_parameters().Select(p => p.name));
        Assert.Equal(["", "a"], m.named_modules().Select(x => x.name));
        Assert.Equal(["scale", "cache"], m.named_buffers().Select(b => b.name));
        using var scope = torch.NewDisposeScope();
        // Non-persistent buffers stay out of the state dict; a shared child appears under both names.
        Assert.Equal(["scale", "a.weight", "a.bias", "b.weight", "b.bias"], m.state_dict().Keys);
    }

    [Fact]
    public void RegistrationRejectsBadNamesAndNonLeafParameters()
    {
        using var m = new Linear(2, 3);
        using var scope = torch.NewDisposeScope();
        var clash = Assert.Throws<ArgumentException>(() => m.register_buffer("weight", torch.zeros(1)));
        Assert.Contains("parameter named 'weight'", clash.Message);
        var dotted = Assert.Throws<ArgumentException>(() => m.register_module("a.b", new ReLU()));
        Assert.Contains("'a.b'", dotted.Message);
        var y = torch.ones([2], torch.float32, requires_grad: true) * 2;
        var nonLeaf = Assert.Throws<ArgumentException>(() => m.register_parameter("scale", y));
        Assert.Contains("'scale'", nonLeaf.Message);
        Assert.Contains("leaf", nonLeaf.Message);
    }

    [Fact]
    public void RegisteredTensorsSurviveTheDisposeScopeTheyWereCreatedIn()
    {
        TinyNet net;
        using (torch.NewDisposeScope())
        {
            net = new TinyNet();
        }
        using (net)
        {
            Assert.All(net.parameters().Concat(net.buffers()), t => Assert.False(t.IsDisposed));
            Assert.All(net.parameters(), t => Assert.True(t.requires_grad));
            using var scope = torch.NewDisposeScope();
            Assert.Equal([1L, 2], net.forward(torch.randn(1, 3, 5, 5)).shape);
        }
        Assert.All(net.parameters().Concat(net.buffers()), t => Assert.True(t.IsDisposed));
    }

    [Fact]
    public void TrainAndEvalSwitchRecursively()
    {
        using var net = new TinyNet();
        Assert.All(net.modules(), m => Assert.True(m.training));
        Assert.Same(net, net.eval());
        Assert.All(net.modules(), m => Assert.False(m.training));
        net.train();
        Assert.All(net.modules(), m => Assert.True(m.training));
        net.features.eval();
        Assert.True(net.training);
        Assert.False(net.bn.training);
        Assert.True(net.head.training);
    }

    [Fact]
    public void ApplyVisitsChildrenBeforeParents()
    {
        using var net = new TinyNet();
        var visited = new List<string>();
        net.apply(m => visited.Add(m.GetType().Name));
        Assert.Equal(["Conv2d", "BatchNorm2d", "ReLU", "Sequential", "AdaptiveAvgPool2d", "Linear", "TinyNet"], visited);
    }

    [Fact]
    public void ToDtypeConvertsInPlaceAndKeepsIdentity()
    {
        using var net = new TinyNet();
        using var scope = torch.NewDisposeScope();
        var weight = net.head.weight;
        var before = weight.data<float>();
        net.forward(torch.randn(2, 3, 4, 4)).sum().backward();
        Assert.Same(net, net.to(torch.float64));
        Assert.Same(weight, net.head.weight);
        Assert.Equal(ScalarType.Float64, weight.dtype);
        Assert.True(weight.requires_grad);
        Assert.True(weight.is_leaf);
        Assert.Equal(before.Select(v => (double)v), weight.data<double>());
        Assert.Equal(ScalarType.Float64, weight.grad!.dtype);
        Assert.Equal(ScalarType.Float64, net.bn.running_mean!.dtype);
        Assert.Equal(ScalarType.Int64, net.bn.num_batches_tracked!.dtype);
        // The converted model still trains: a float64 forward and backward accumulates into the same leaves.
        net.zero_grad();
        net.forward(torch.randn([2, 3, 4, 4], torch.float64)).sum().backward();
        Assert.Equal(ScalarType.Float64, weight.grad!.dtype);
        Assert.Throws<ArgumentException>(() => net.to(torch.int32));
    }

    [Fact]
    public void FrozenParametersGetNoGradients()
    {
        using var net = new TinyNet();
        using var scope = torch.NewDisposeScope();
        Assert.Same(net.features, net.features.requires_grad_(false));
        net.forward(torch.randn(2, 3, 4, 4)).sum().backward();
        Assert.All(net.features.parameters(), p => Assert.Null(p.grad));
        Assert.All(net.head.parameters(), p => Assert.NotNull(p.grad));
        // The head's bias gradient of sum(logits) is the batch size for each class.
        Assert.Equal([2f, 2f], net.head.bias!.grad!.data<float>());
    }

    [Fact]
    public void ZeroGradDropsOrZerosGradients()
    {
        using var net = new Linear(3, 2);
        using var scope = torch.NewDisposeScope();
        net.forward(torch.ones(4, 3)).sum().backward();
        net.zero_grad(set_to_none: false);
        Assert.Equal(new float[6], net.weight.grad!.data<float>());
        Assert.Equal(new float[2], net.bias!.grad!.data<float>());
        net.zero_grad();
        Assert.Null(net.weight.grad);
        Assert.Null(net.bias.grad);
    }

    [Fact]
    public void ContainersNameChildrenByPositionOrKey()
    {
        using var list = new ModuleList<Linear>(new Linear(2, 3), new Linear(3, 4));
        list.append(new Linear(4, 5));
        Assert.Equal(3, list.Count);
        Assert.Equal(5, list[^1].out_features);
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"], list.named_parameters().Select(p => p.name));
        var replaced = list[1];
        list[1] = new Linear(3, 4, bias: false);
        replaced.Dispose();
        Assert.Equal(["0.weight", "0.bias", "1.weight", "2.weight", "2.bias"], list.named_parameters().Select(p => p.name));

        using var dict = new ModuleDict<Module>(("stem", new Conv2d(3, 8, 3)), ("act", new GELU()));
        dict["head"] = new Linear(8, 2);
        Assert.Equal(["stem", "act", "head"], dict.Keys);
        Assert.IsType<GELU>(dict["act"]);
        Assert.False(dict.ContainsKey("missing"));
        Assert.Contains("'missing'", Assert.Throws<KeyNotFoundException>(() => dict["missing"]).Message);
        Assert.Equal(["stem.weight", "stem.bias", "head.weight", "head.bias"], dict.named_parameters().Select(p => p.name));

        using var seq = new Sequential([("conv", new Conv2d(1, 1, 1)), ("act", new ReLU())]);
        Assert.Equal(["conv.weight", "conv.bias"], seq.named_parameters().Select(p => p.name));
    }

    /// <summary>Remembers the tensor it was given.</summary>
    private sealed class Recorder : Module<Tensor, Tensor>
    {
        public Tensor? Seen { get; private set; }

        public override Tensor forward(Tensor input)
        {
            Seen = input;
            return input.relu();
        }
    }

    /// <summary>Returns its own parameter, whatever the input.</summary>
    private sealed class Constant : Module<Tensor, Tensor>
    {
        public Constant() => register_parameter("value", torch.ones(2));

        public override Tensor forward(Tensor input) => GetParameter("value")!;
    }

    [Fact]
    public void SequentialFreesIntermediatesButNotInputsOrParameters()
    {
        using var scale = new Linear(1, 1, bias: false);
        init.constant_(scale.weight, 3);
        var recorder = new Recorder();
        using var seq = new Sequential(scale, recorder, new Identity());
        using var x = torch.tensor(new float[] { -1, 2 }, 2, 1);
        using (var y = seq.forward(x))
        {
            Assert.Equal([0f, 6f], y.data<float>());
        }
        Assert.True(recorder.Seen!.IsDisposed);
        Assert.False(x.IsDisposed);

        using var empty = new Sequential();
        using (var same = empty.forward(x))
        {
            Assert.False(ReferenceEquals(same, x));
            Assert.Equal(x.data<float>(), same.data<float>());
        }
        Assert.False(x.IsDisposed);

        using var constant = new Sequential(new Constant());
        constant.forward(x);
        Assert.False(constant.parameters().Single().IsDisposed);
    }

    [SkippableFact]
    public void PrintsLikePyTorch()
    {
        TorchReference.Require();
        using var model = new ModuleDict<Module>(
            ("net", new TinyNet()),
            ("convs", new ModuleList<Module<Tensor, Tensor>>(
                new Conv2d(4, 4, (2, 4), padding: "same"),
                new Conv2d(4, 5, 3, padding: 1, bias: false, padding_mode: "reflect"),
                new Conv2d(4, 2, 3, stride: 2, padding: (2, 1), dilation: (2, 1), groups: 2),
                new ConvTranspose2d(4, 6, 3, stride: 2, padding: 1, output_padding: 1, groups: 2))),
            ("norms", new Sequential(new BatchNorm2d(3, momentum: null), new LayerNorm([4, 5]), new LayerNorm(8, eps: 1e-6), new GroupNorm(2, 6))),
            ("acts", new Sequential(new GELU("tanh"), new LeakyReLU(0.2), new Softmax(1), new SiLU(), new Identity())),
            ("pools", new Sequential(new MaxPool2d(3, 2, 1), new AvgPool2d(2), new AdaptiveAvgPool2d((3, 2)), new Flatten())),
            ("embedding", new Embedding(10, 4, padding_idx: 1)));
        var r = TorchReference.Run(TinyNet.Python + """
md = nn.ModuleDict({
    'net': TinyNet(),
    'convs': nn.ModuleList([
        nn.Conv2d(4, 4, (2, 4), padding='same'),
        nn.Conv2d(4, 5, 3, padding=1, bias=False, padding_mode='reflect'),
        nn.Conv2d(4, 2, 3, stride=2, padding=(2, 1), dilation=(2, 1), groups=2),
        nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2)]),
    'norms': nn.Sequential(nn.BatchNorm2d(3, momentum=None), nn.LayerNorm([4, 5]), nn.LayerNorm(8, eps=1e-6), nn.GroupNorm(2, 6)),
    'acts': nn.Sequential(nn.GELU('tanh'), nn.LeakyReLU(0.2), nn.Softmax(1), nn.SiLU(), nn.Identity()),
    'pools': nn.Sequential(nn.MaxPool2d(3, 2, 1), nn.AvgPool2d(2), nn.AdaptiveAvgPool2d((3, 2)), nn.Flatten()),
    'embedding': nn.Embedding(10, 4, padding_idx=1),
})
out['repr'] = repr(md)
""");
        Assert.Equal(r.GetProperty("repr").GetString(), model.ToString());
    }
}
