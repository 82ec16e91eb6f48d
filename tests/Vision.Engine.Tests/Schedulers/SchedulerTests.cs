using Vision.Engine.Optim;
using Vision.Engine.Schedulers;

namespace Vision.Engine.Tests.Schedulers;

public sealed class SchedulerTests
{
    private static readonly double[] BaseLr = [0.1, 0.02];

    private static double Cosine(double from, double to, long t, long period) => to + (from - to) * (1 + Math.Cos(Math.PI * t / period)) / 2;

    [Fact]
    public void CosineRestartFollowsTheClosedFormOfEachPeriod()
    {
        using var optimizer = ScheduleTrace.NewOptimizer("sgd");
        long[] periods = [5, 10, 15];
        double[] weights = [1, 0.5, 0.25];
        var scheduler = new CosineRestartLR(optimizer, periods, weights, eta_min: 0.001, by_epoch: false);
        var ours = ScheduleTrace.Run(optimizer, [scheduler], 35, "lr");

        var expected = new List<double>();
        for (long s = 0; s < 35; s++)
        {
            // After the last period the value stays where the last period left it.
            var at = Math.Min(s, 29);
            var index = at < 5 ? 0 : at < 15 ? 1 : 2;
            var t = at - new long[] { 0, 5, 15 }[index];
            expected.AddRange(BaseLr.Select(b => Cosine(b * weights[index], 0.001, t, periods[index])));
        }
        Numerics.AssertClose(expected, ours, 1e-12, "CosineRestartLR");
    }

    [Fact]
    public void EtaMinRatioIsRelativeToEachGroupsInitialValue()
    {
        using var optimizer = ScheduleTrace.NewOptimizer("sgd");
        var cosine = new CosineAnnealingLR(optimizer, T_max: 10, eta_min_ratio: 0.1, by_epoch: false);
        var ours = ScheduleTrace.Run(optimizer, [cosine], 11, "lr");
        var expected = Enumerable.Range(0, 11).SelectMany(t => BaseLr.Select(b => Cosine(b, b * 0.1, t, 10))).ToArray();
        Numerics.AssertClose(expected, ours, 1e-12, "eta_min_ratio");

        using var restarts = ScheduleTrace.NewOptimizer("sgd");
        var restart = new CosineRestartLR(restarts, [4, 4], eta_min_ratio: 0.5, by_epoch: false);
        var got = ScheduleTrace.Run(restarts, [restart], 8, "lr");
        var want = Enumerable.Range(0, 8).SelectMany(s => BaseLr.Select(b => Cosine(b, b * 0.5, s % 4, 4))).ToArray();
        Numerics.AssertClose(want, got, 1e-12, "CosineRestartLR eta_min_ratio");
    }

    [Theory]
    [InlineData("sgd", "momentum")]
    [InlineData("adam", "beta1")]
    public void MomentumSchedulesReachBeta1ThroughTheAlias(string kind, string key)
    {
        using var optimizer = ScheduleTrace.NewOptimizer(kind);
        var cosine = new CosineAnnealingLR(optimizer, T_max: 10, eta_min: 0.5, by_epoch: false, param_name: "momentum");
        var ours = ScheduleTrace.Run(optimizer, [cosine], 11, key, "lr");
        var expected = Enumerable.Range(0, 11).SelectMany(t => BaseLr.SelectMany(lr => new[] { Cosine(0.9, 0.5, t, 10), lr })).ToArray();
        Numerics.AssertClose(expected, ours, 1e-12, $"momentum of {kind}");
        Assert.Equal(0.9, optimizer.param_groups[0]["initial_momentum"]);
        Assert.Throws<InvalidOperationException>(() => cosine.get_last_lr());
        Assert.Equal(optimizer.param_groups.Select(g => g.momentum), cosine.get_last_value());
    }

    [Fact]
    public void EpochBasedSchedulersStayEpochBasedUnlessConverted()
    {
        using var optimizer = ScheduleTrace.NewOptimizer("sgd");
        var epochs = new StepLR(optimizer, step_size: 2, end: 10);
        Assert.True(epochs.by_epoch);
        Assert.Equal((0L, 10L), (epochs.begin, epochs.end));

        var iters = new CosineAnnealingLR(optimizer, T_max: 3, begin: 2, end: 5, epoch_length: 100);
        Assert.False(iters.by_epoch);
        Assert.Equal((200L, 500L), (iters.begin, iters.end));
        var unbounded = new ExponentialLR(optimizer, gamma: 0.9, begin: 1, epoch_length: 100);
        Assert.Equal(ParamScheduler.INF, unbounded.end);
    }

    [Fact]
    public void ResumingFromStateDictsContinuesTheChainExactly()
    {
        static (Optimizer, ParamScheduler[]) Build()
        {
            var o = ScheduleTrace.NewOptimizer("sgd");
            return (o, [
                new LinearLR(o, start_factor: 0.01, end: 5, by_epoch: false),
                new CosineAnnealingLR(o, eta_min: 1e-4, begin: 5, end: 30, by_epoch: false),
                new CosineAnnealingLR(o, T_max: 30, eta_min: 0.85, by_epoch: false, param_name: "momentum"),
            ]);
        }

        var (straight, straightSchedulers) = Build();
        var expected = ScheduleTrace.Run(straight, straightSchedulers, 30, "lr", "momentum")[(12 * 4)..];

        var (first, firstSchedulers) = Build();
        ScheduleTrace.Run(first, firstSchedulers, 12, "lr", "momentum");
        var optimizerState = first.state_dict();
        var schedulerStates = firstSchedulers.Select(s => s.state_dict()).ToArray();

        var (resumed, resumedSchedulers) = Build();
        resumed.load_state_dict(optimizerState);
        for (var i = 0; i < resumedSchedulers.Length; i++)
        {
            resumedSchedulers[i].load_state_dict(schedulerStates[i]);
        }
        var actual = ScheduleTrace.Run(resumed, resumedSchedulers, 18, "lr", "momentum");
        Assert.Equal(expected, actual);
        Assert.Equal(firstSchedulers[1].get_last_lr(), schedulerStates[1].last_value);
        Assert.Equal(12, schedulerStates[0].global_step);
        Assert.Equal(7, schedulerStates[1].last_step);
    }

    [Fact]
    public void InvalidOptionsNameTheOptionAndValue()
    {
        using var o = ScheduleTrace.NewOptimizer("sgd");
        Assert.Equal("end must be > begin, got begin=5, end=5", Assert.Throws<ArgumentException>(() => new StepLR(o, 1, begin: 5, end: 5)).Message);
        Assert.Equal("start_factor must be in (0, 1], got 0", Assert.Throws<ArgumentException>(() => new LinearLR(o, start_factor: 0)).Message);
        Assert.Equal("end_factor must be in [0, 1], got 1.5", Assert.Throws<ArgumentException>(() => new LinearLR(o, end_factor: 1.5)).Message);
        Assert.Equal("factor must be in (0, 1], got 2", Assert.Throws<ArgumentException>(() => new ConstantLR(o, factor: 2)).Message);
        Assert.Equal("step_size must be > 0, got 0", Assert.Throws<ArgumentException>(() => new StepLR(o, 0)).Message);
        Assert.Equal("T_max must be > 0, got -3", Assert.Throws<ArgumentException>(() => new CosineAnnealingLR(o, T_max: -3)).Message);
        Assert.Contains("either eta_min or eta_min_ratio", Assert.Throws<ArgumentException>(() => new CosineAnnealingLR(o, eta_min: 0, eta_min_ratio: 0.1)).Message);
        Assert.Contains("same length", Assert.Throws<ArgumentException>(() => new CosineRestartLR(o, [5, 5], [1.0])).Message);
        Assert.Equal("anneal_strategy must be 'cos' or 'linear', got 'cosine'",
            Assert.Throws<ArgumentException>(() => new OneCycleLR(o, 0.1, total_steps: 10, anneal_strategy: "cosine")).Message);
        Assert.Equal("pct_start must be in [0, 1], got 1.2", Assert.Throws<ArgumentException>(() => new OneCycleLR(o, 0.1, total_steps: 10, pct_start: 1.2)).Message);
        Assert.Contains("total_steps or a finite end", Assert.Throws<ArgumentException>(() => new OneCycleLR(o, 0.1)).Message);
        Assert.Equal("epoch_length must be > 0, got 0", Assert.Throws<ArgumentException>(() => new StepLR(o, 1, epoch_length: 0)).Message);
        Assert.Contains("needs by_epoch = true", Assert.Throws<ArgumentException>(() => new StepLR(o, 1, by_epoch: false, epoch_length: 10)).Message);
        Assert.Contains("'eps' is not a hyper-parameter of param group 0", Assert.Throws<ArgumentException>(() => new StepLR(o, 1, param_name: "eps")).Message);

        using var rms = new RMSprop([torch.zeros([1]).DetachFromDisposeScope().requires_grad_()]);
        var onecycle = new OneCycleLR(rms, 0.1, total_steps: 2, by_epoch: false);
        onecycle.step();
        onecycle.step();
        Assert.Contains("Tried to step 4 times. The specified number of total steps is 2", Assert.Throws<InvalidOperationException>(() => onecycle.step()).Message);
    }
}
