using Vision.Engine.Optim;
using Vision.Engine.Schedulers;
using Vision.Tests.Reference;

namespace Vision.Engine.Tests.Schedulers;

/// <summary>Every scheduler torch has, stepped 30 times, against torch.optim.lr_scheduler (PyTorch 1.13).</summary>
public sealed class SchedulerReferenceTests
{
    private const int Steps = 30;

    /// <summary>
    /// Each case: the reference key, the optimizer kind, our schedulers, the Python schedulers over optimizer <c>o</c>
    /// (null where another case already defines the key) and the traced hyper-parameters.
    /// </summary>
    private static readonly (string Key, string Kind, Func<Optimizer, ParamScheduler[]> Create, string? Python, string[] Keys)[] Cases =
    [
        ("linear", "sgd", o => [new LinearLR(o, start_factor: 0.25, end: 10, by_epoch: false)],
            "[L.LinearLR(o, start_factor=0.25, total_iters=9)]", ["lr"]),
        ("linear_down", "sgd", o => [new LinearLR(o, start_factor: 0.5, end_factor: 0.2, begin: 0, end: 13, by_epoch: false)],
            "[L.LinearLR(o, start_factor=0.5, end_factor=0.2, total_iters=12)]", ["lr"]),
        ("constant", "sgd", o => [new ConstantLR(o, factor: 0.5, end: 10, by_epoch: false)],
            "[L.ConstantLR(o, factor=0.5, total_iters=9)]", ["lr"]),
        ("step", "sgd", o => [new StepLR(o, step_size: 7, gamma: 0.5, by_epoch: false)],
            "[L.StepLR(o, step_size=7, gamma=0.5)]", ["lr"]),
        ("multistep", "sgd", o => [new MultiStepLR(o, [5, 12, 12, 20], gamma: 0.3, by_epoch: false)],
            "[L.MultiStepLR(o, milestones=[5, 12, 12, 20], gamma=0.3)]", ["lr"]),
        ("exponential", "sgd", o => [new ExponentialLR(o, gamma: 0.9, by_epoch: false)],
            "[L.ExponentialLR(o, gamma=0.9)]", ["lr"]),
        ("cosine", "sgd", o => [new CosineAnnealingLR(o, T_max: 10, eta_min: 0.001, by_epoch: false)],
            "[L.CosineAnnealingLR(o, T_max=10, eta_min=0.001)]", ["lr"]),
        ("poly", "sgd", o => [new PolyLR(o, power: 2, end: 21, by_epoch: false)],
            "[L.PolynomialLR(o, total_iters=20, power=2.0)]", ["lr"]),
        ("onecycle_sgd", "sgd", o => [new OneCycleLR(o, max_lr: 1.0, total_steps: 30, by_epoch: false)],
            "[L.OneCycleLR(o, max_lr=1.0, total_steps=30)]", ["lr", "momentum"]),
        ("onecycle_adam_three_phase_linear", "adam", o => [new OneCycleLR(o, max_lr: 0.5, total_steps: 30, pct_start: 0.25, anneal_strategy: "linear",
                base_momentum: 0.8, max_momentum: 0.9, div_factor: 10, final_div_factor: 100, three_phase: true, by_epoch: false)],
            "[L.OneCycleLR(o, max_lr=0.5, total_steps=30, pct_start=0.25, anneal_strategy='linear', base_momentum=0.8, max_momentum=0.9, div_factor=10, final_div_factor=100, three_phase=True)]",
            ["lr", "beta1"]),
        ("onecycle_fixed_momentum", "sgd", o => [new OneCycleLR(o, max_lr: 0.3, end: 30, cycle_momentum: false, by_epoch: false)],
            "[L.OneCycleLR(o, max_lr=0.3, total_steps=30, cycle_momentum=False)]", ["lr", "momentum"]),
        ("warmup_cosine", "sgd", o =>
            [
                new LinearLR(o, start_factor: 0.1, end: 5, by_epoch: false),
                new CosineAnnealingLR(o, T_max: 25, eta_min: 0.001, begin: 5, end: 30, by_epoch: false),
            ],
            "[L.SequentialLR(o, [L.LinearLR(o, start_factor=0.1, total_iters=4), L.CosineAnnealingLR(o, T_max=25, eta_min=0.001)], milestones=[5])]",
            ["lr"]),
        // The same warm-up and cosine written in epochs of 5 iterations and converted to iterations.
        ("warmup_cosine", "sgd", o =>
            [
                new LinearLR(o, start_factor: 0.1, end: 1, by_epoch: true, epoch_length: 5),
                new CosineAnnealingLR(o, T_max: 5, eta_min: 0.001, begin: 1, end: 6, by_epoch: true, epoch_length: 5),
            ],
            null, ["lr"]),
        ("epochs_linear", "sgd", o => [new LinearLR(o, start_factor: 0.25, end: 2, by_epoch: true, epoch_length: 5)],
            "[L.LinearLR(o, start_factor=0.25, total_iters=9)]", ["lr"]),
        ("epochs_multistep", "sgd", o => [new MultiStepLR(o, [1, 3], gamma: 0.5, by_epoch: true, epoch_length: 4)],
            "[L.MultiStepLR(o, milestones=[4, 12], gamma=0.5)]", ["lr"]),
        ("epochs_cosine", "sgd", o => [new CosineAnnealingLR(o, T_max: 3, by_epoch: true, epoch_length: 4)],
            "[L.CosineAnnealingLR(o, T_max=12)]", ["lr"]),
    ];

    [SkippableFact]
    public void EverySchedulerMatchesTorch()
    {
        TorchReference.Require();
        var script = ScheduleTrace.Python + "\n" + string.Join("\n", Cases.Where(c => c.Python is not null).Select(c =>
            $"o = new_optimizer('{c.Kind}')\nout['{c.Key}'] = trace(o, {c.Python}, {Steps}, [{string.Join(", ", c.Keys.Select(k => $"'{k}'"))}])"));
        var reference = TorchReference.Run(script);
        foreach (var (key, kind, create, _, keys) in Cases)
        {
            using var optimizer = ScheduleTrace.NewOptimizer(kind);
            var ours = ScheduleTrace.Run(optimizer, create(optimizer), Steps, keys);
            Numerics.AssertClose(TorchReference.Doubles(reference.GetProperty(key)), ours, 1e-12, key);
        }
    }
}
