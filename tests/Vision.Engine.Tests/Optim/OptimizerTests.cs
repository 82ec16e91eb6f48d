using Vision.Engine.Optim;

namespace Vision.Engine.Tests.Optim;

public sealed class OptimizerTests
{
    private static readonly (string Name, Func<IReadOnlyList<Tensor>, Optimizer> Create)[] Resumable =
    [
        ("sgd", ps => new SGD([new ParamGroup(ps.Take(2)), new ParamGroup(ps.Skip(2), lr: 0.01)], lr: 0.05, momentum: 0.9, nesterov: true)),
        ("adam", ps => new Adam(ps, lr: 0.01, amsgrad: true)),
        ("adamw", ps => new AdamW(ps, lr: 0.01)),
        ("rmsprop", ps => new RMSprop(ps, lr: 0.01, momentum: 0.5, centered: true)),
        ("lamb", ps => new Lamb(ps, lr: 0.01)),
        ("lion", ps => new Lion(ps, lr: 1e-3, weight_decay: 0.1)),
        ("adagrad", ps => new Adagrad(ps, lr: 0.1, lr_decay: 0.01, initial_accumulator_value: 0.1)),
    ];

    [Fact]
    public void StateDictRoundTripContinuesIdentically()
    {
        using var problem = new QuadraticProblem();
        foreach (var (name, create) in Resumable)
        {
            var straight = problem.NewParams();
            using var reference = create(straight);
            var expected = problem.Run(reference, straight, 5)[^straight.Sum(p => (int)p.numel())..];

            var first = problem.NewParams();
            using var before = create(first);
            problem.Run(before, first, 3);
            var saved = before.state_dict();

            // A new run: fresh parameters holding the trained values and a fresh optimizer that loads the state.
            var resumed = first.Select(p => p.detach().clone().DetachFromDisposeScope().requires_grad_()).ToArray();
            using var after = create(resumed);
            after.load_state_dict(saved);
            var actual = problem.Run(after, resumed, 2)[^resumed.Sum(p => (int)p.numel())..];

            Assert.True(expected.SequenceEqual(actual), $"{name}: resuming from the state dict changed the result");
            Assert.Equal(before.state_dict().param_groups.Select(g => g.options.Count), after.state_dict().param_groups.Select(g => g.options.Count));
        }
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("adagrad")]
    public void ParametersThatMissedAStepGetTheirOwnStepCount(string name)
    {
        // Bias corrections and lr decay depend on each parameter's own step count. Here b has no gradient in the
        // first step, so in the second step a is at step 2 and b at step 1: the multi-tensor update must split them.
        using var scope = torch.NewDisposeScope();
        Optimizer Create(IEnumerable<Tensor> ps) => name == "adam" ? new Adam(ps, lr: 0.1) : new Adagrad(ps, lr: 0.1, lr_decay: 0.5);
        Tensor Param(double[] values) => torch.tensor(values).requires_grad_();
        double[] ga1 = [0.3, -0.2], ga2 = [0.1, 0.4], gb2 = [-0.5, 0.25];

        var a = Param([1.0, 2.0]);
        var b = Param([-1.0, 0.5]);
        using (var both = Create([a, b]))
        {
            a.grad = torch.tensor(ga1);
            both.step();
            (a.grad, b.grad) = (torch.tensor(ga2), torch.tensor(gb2));
            both.step();
            Assert.Equal(2, both.state[a].step);
            Assert.Equal(1, both.state[b].step);
        }

        var aAlone = Param([1.0, 2.0]);
        var bAlone = Param([-1.0, 0.5]);
        using (var alone = Create([aAlone]))
        {
            aAlone.grad = torch.tensor(ga1);
            alone.step();
            aAlone.grad = torch.tensor(ga2);
            alone.step();
        }
        using (var alone = Create([bAlone]))
        {
            bAlone.grad = torch.tensor(gb2);
            alone.step();
        }
        Assert.Equal(aAlone.data<double>(), a.data<double>());
        Assert.Equal(bAlone.data<double>(), b.data<double>());
        // And the steps did something: b moved by about lr (Adam's first step is lr * sign(g)).
        Assert.NotEqual([-1.0, 0.5], b.data<double>());
    }

    [Fact]
    public void StateDictListsGroupsParameterIndicesAndSteps()
    {
        using var problem = new QuadraticProblem();
        var ps = problem.NewParams();
        using var adam = new Adam([new ParamGroup(ps[..1]), new ParamGroup(ps[1..], lr: 0.5)], lr: 0.1);
        problem.Run(adam, ps, 2);
        var sd = adam.state_dict();
        Assert.Equal([[0], [1, 2, 3]], sd.param_groups.Select(g => g.@params.ToArray()));
        Assert.Equal(0.5, sd.param_groups[1].options["lr"]);
        Assert.Equal(0.9, sd.param_groups[0].options["beta1"]);
        Assert.Equal([0, 1, 2, 3], sd.state.Keys.Order());
        Assert.All(sd.state.Values, s => Assert.Equal(2, s.step));
        Assert.Equal(["exp_avg", "exp_avg_sq"], sd.state[2].tensors.Keys.Order());
        Assert.Equal(ps[2].shape, sd.state[2].tensors["exp_avg"].shape);
    }

    [Fact]
    public void LoadingAMismatchedStateDictIsRejectedBeforeAnythingChanges()
    {
        using var problem = new QuadraticProblem();
        var ps = problem.NewParams();
        using var source = new Adam(ps, lr: 0.1);
        problem.Run(source, ps, 1);
        var sd = source.state_dict();

        using var twoGroups = new Adam([new ParamGroup(problem.NewParams()[..1]), new ParamGroup(problem.NewParams()[1..])]);
        Assert.Contains("1 param groups but the optimizer has 2", Assert.Throws<ArgumentException>(() => twoGroups.load_state_dict(sd)).Message);

        using var fewer = new Adam(problem.NewParams()[..3]);
        Assert.Contains("has 4 parameters in the state dict but 3 in the optimizer", Assert.Throws<ArgumentException>(() => fewer.load_state_dict(sd)).Message);

        var reshaped = problem.NewParams();
        reshaped[1] = torch.zeros([6], torch.float64).DetachFromDisposeScope().requires_grad_();
        using var target = new Adam(reshaped, lr: 0.3);
        var e = Assert.Throws<ArgumentException>(() => target.load_state_dict(sd));
        Assert.Contains("State 'exp_avg' of parameter 1 has shape [5] but the parameter has shape [6]", e.Message);
        Assert.Equal(0.3, target.param_groups[0].lr);
    }

    [Fact]
    public void StepFreesItsTemporariesAndKeepsState()
    {
        using var problem = new QuadraticProblem();
        var ps = problem.NewParams();
        using var adam = new Adam(ps, amsgrad: true);
        using var scope = torch.NewDisposeScope();
        problem.Backward(ps);
        var before = scope.Count;
        adam.step();
        adam.step();
        Assert.Equal(before, scope.Count);
        Assert.All(adam.state.Values, s => Assert.All(s.tensors.Values, t => Assert.False(t.IsDisposed)));
        Assert.False(ps[0].grad!.requires_grad);
    }

    [Fact]
    public void ZeroGradDropsOrZeroesGradients()
    {
        using var problem = new QuadraticProblem();
        var ps = problem.NewParams();
        using var sgd = new SGD(ps, lr: 0.1);
        problem.Backward(ps);
        sgd.zero_grad(set_to_none: false);
        using (var g = ps[0].grad!)
        {
            Assert.Equal(0, g.abs().sum().item<double>());
        }
        sgd.zero_grad();
        Assert.All(ps, p => Assert.Null(p.grad));
    }

    [Fact]
    public void MomentumAliasesBeta1InTheAdamFamily()
    {
        using var problem = new QuadraticProblem();
        using var adamw = new AdamW(problem.NewParams(), betas: (0.85, 0.99));
        var group = adamw.param_groups[0];
        Assert.True(group.Contains("momentum"));
        Assert.Equal(0.85, group.momentum);
        group.momentum = 0.7;
        Assert.Equal(0.7, group["beta1"]);
        Assert.DoesNotContain("momentum", group.Keys);

        using var sgd = new SGD(problem.NewParams(), lr: 0.1, momentum: 0.9);
        Assert.Equal(0.9, sgd.param_groups[0]["momentum"]);
    }

    [Fact]
    public void GroupsTakeMissingHyperParametersFromTheDefaults()
    {
        using var problem = new QuadraticProblem();
        var ps = problem.NewParams();
        using var sgd = new SGD([new ParamGroup(ps[..2]), new ParamGroup(ps[2..], weight_decay: 0.3)], lr: 0.1, momentum: 0.9, weight_decay: 1e-4);
        Assert.Equal(1e-4, sgd.param_groups[0].weight_decay);
        Assert.Equal(0.3, sgd.param_groups[1].weight_decay);
        Assert.Equal(0.9, sgd.param_groups[1].momentum);
        Assert.Equal(0.1, sgd.defaults["lr"]);
    }

    [Fact]
    public void InvalidOptionsNameTheOptionAndValue()
    {
        using var problem = new QuadraticProblem();
        var ps = problem.NewParams();
        Assert.Equal("lr must be >= 0, got -1", Assert.Throws<ArgumentException>(() => new SGD(problem.NewParams(), lr: -1)).Message);
        Assert.Equal("momentum must be >= 0, got -0.5", Assert.Throws<ArgumentException>(() => new SGD(problem.NewParams(), lr: 0.1, momentum: -0.5)).Message);
        Assert.Equal("nesterov requires momentum > 0 and dampening = 0, got momentum 0, dampening 0",
            Assert.Throws<ArgumentException>(() => new SGD(problem.NewParams(), lr: 0.1, nesterov: true)).Message);
        Assert.Equal("beta1 must be in [0, 1), got 1", Assert.Throws<ArgumentException>(() => new Adam(problem.NewParams(), betas: (1.0, 0.999))).Message);
        Assert.Equal("beta2 must be in [0, 1), got -0.1", Assert.Throws<ArgumentException>(() => new Lion(problem.NewParams(), betas: (0.9, -0.1))).Message);
        Assert.Equal("eps must be >= 0, got -1E-08", Assert.Throws<ArgumentException>(() => new AdamW(problem.NewParams(), eps: -1e-8)).Message);
        Assert.Equal("alpha must be >= 0, got -0.9", Assert.Throws<ArgumentException>(() => new RMSprop(problem.NewParams(), alpha: -0.9)).Message);
        Assert.Equal("max_grad_norm must be > 0, got 0", Assert.Throws<ArgumentException>(() => new Lamb(problem.NewParams(), max_grad_norm: 0)).Message);
        Assert.Equal("param group 1: weight_decay must be >= 0, got -0.1",
            Assert.Throws<ArgumentException>(() => new AdamW([new ParamGroup(ps[..2]), new ParamGroup(ps[2..], weight_decay: -0.1)])).Message);
        Assert.Contains("empty parameter list", Assert.Throws<ArgumentException>(() => new SGD(Array.Empty<Tensor>(), lr: 0.1)).Message);
        Assert.Contains("more than once", Assert.Throws<ArgumentException>(() => new SGD([ps[0], ps[0]], lr: 0.1)).Message);
        using var nonLeaf = ps[0] * 2;
        Assert.Contains("non-leaf", Assert.Throws<ArgumentException>(() => new SGD([nonLeaf], lr: 0.1)).Message);
    }
}
