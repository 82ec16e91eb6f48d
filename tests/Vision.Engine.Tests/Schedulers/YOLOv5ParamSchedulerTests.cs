using Vision.Engine.Optim;
using Vision.Engine.Schedulers;
using Vision.Tests.Reference;

namespace Vision.Engine.Tests.Schedulers;

public sealed class YOLOv5ParamSchedulerTests
{
    /// <summary>MMYOLO's YOLOv5ParamSchedulerHook transcribed, with the runner replaced by explicit arguments.</summary>
    private const string Hook = """
import math

def linear_fn(lr_factor, max_epochs):
    return lambda x: (1 - x / max_epochs) * (1.0 - lr_factor) + lr_factor

def cosine_fn(lr_factor, max_epochs):
    return lambda x: ((1 - math.cos(x * math.pi / max_epochs)) / 2) * (lr_factor - 1) + 1

class Hook:
    scheduler_maps = {'linear': linear_fn, 'cosine': cosine_fn}

    def __init__(self, scheduler_type='linear', lr_factor=0.01, max_epochs=300, warmup_epochs=3, warmup_bias_lr=0.1,
                 warmup_momentum=0.8, warmup_mim_iter=1000):
        self.warmup_epochs = warmup_epochs
        self.warmup_bias_lr = warmup_bias_lr
        self.warmup_momentum = warmup_momentum
        self.warmup_mim_iter = warmup_mim_iter
        self.scheduler_fn = self.scheduler_maps[scheduler_type](lr_factor=lr_factor, max_epochs=max_epochs)
        self._warmup_end = False

    def before_train(self, optimizer):
        for group in optimizer.param_groups:
            group.setdefault('initial_lr', group['lr'])
            group.setdefault('initial_momentum', group.get('momentum', -1))
        self._base_lr = [group['initial_lr'] for group in optimizer.param_groups]
        self._base_momentum = [group['initial_momentum'] for group in optimizer.param_groups]

    def before_train_iter(self, optimizer, cur_iters, cur_epoch, epoch_length):
        warmup_total_iters = max(round(self.warmup_epochs * epoch_length), self.warmup_mim_iter)
        if cur_iters <= warmup_total_iters:
            xp = [0, warmup_total_iters]
            for group_idx, param in enumerate(optimizer.param_groups):
                if group_idx == 2:
                    yp = [self.warmup_bias_lr, self._base_lr[group_idx] * self.scheduler_fn(cur_epoch)]
                else:
                    yp = [0.0, self._base_lr[group_idx] * self.scheduler_fn(cur_epoch)]
                param['lr'] = np.interp(cur_iters, xp, yp)
                if 'momentum' in param:
                    param['momentum'] = np.interp(cur_iters, xp, [self.warmup_momentum, self._base_momentum[group_idx]])
        else:
            self._warmup_end = True

    def after_train_epoch(self, optimizer, cur_epoch):
        if not self._warmup_end:
            return
        for group_idx, param in enumerate(optimizer.param_groups):
            param['lr'] = self._base_lr[group_idx] * self.scheduler_fn(cur_epoch)

def yolo(epoch_length, epochs, **kw):
    groups = [{'params': [torch.zeros(1, requires_grad=True)], 'lr': lr} for lr in (0.01, 0.02, 0.03)]
    o = torch.optim.SGD(groups, lr=0.01, momentum=0.937, nesterov=True)
    h = Hook(**kw)
    h.before_train(o)
    hist = []
    it = 0
    for e in range(epochs):
        for _ in range(epoch_length):
            h.before_train_iter(o, it, e, epoch_length)
            hist += [float(v) for g in o.param_groups for v in (g['lr'], g['momentum'])]
            it += 1
        h.after_train_epoch(o, e)
    return hist
""";

    private static double[] Run(long epochLength, int epochs, Func<Optimizer, YOLOv5ParamScheduler> create)
    {
        using var optimizer = new SGD(
            new[] { 0.01, 0.02, 0.03 }.Select(lr => new ParamGroup([torch.zeros([1]).DetachFromDisposeScope().requires_grad_()], lr: lr)),
            lr: 0.01, momentum: 0.937, nesterov: true);
        var scheduler = create(optimizer);
        var values = new List<double>();
        long iter = 0;
        for (var e = 0; e < epochs; e++)
        {
            for (var b = 0; b < epochLength; b++, iter++)
            {
                scheduler.before_train_iter(iter, e);
                values.AddRange(optimizer.param_groups.SelectMany(g => new[] { g.lr, g.momentum }));
            }
            scheduler.after_train_epoch(e);
        }
        return values.ToArray();
    }

    [SkippableFact]
    public void WarmUpAndDecayMatchMMYOLOsHook()
    {
        TorchReference.Require();
        var reference = TorchReference.Run(Hook + """

out['linear'] = yolo(10, 6, scheduler_type='linear', max_epochs=6, warmup_epochs=2, warmup_mim_iter=25)
out['cosine'] = yolo(7, 5, scheduler_type='cosine', lr_factor=0.05, max_epochs=5, warmup_epochs=2, warmup_bias_lr=0.2, warmup_momentum=0.5, warmup_mim_iter=5)
""");
        var linear = Run(10, 6, o => new YOLOv5ParamScheduler(o, iters_per_epoch: 10, max_epochs: 6, warmup_epochs: 2, warmup_mim_iter: 25));
        Numerics.AssertClose(TorchReference.Doubles(reference.GetProperty("linear")), linear, 1e-12, "linear");
        var cosine = Run(7, 5, o => new YOLOv5ParamScheduler(o, iters_per_epoch: 7, scheduler_type: "cosine", lr_factor: 0.05, max_epochs: 5,
            warmup_epochs: 2, warmup_bias_lr: 0.2, warmup_momentum: 0.5, warmup_mim_iter: 5));
        Numerics.AssertClose(TorchReference.Doubles(reference.GetProperty("cosine")), cosine, 1e-12, "cosine");
    }

    [Fact]
    public void WarmUpLengthIsTheLongerOfEpochsAndMinimumIterations()
    {
        using var optimizer = new SGD([torch.zeros([1]).DetachFromDisposeScope().requires_grad_()], lr: 0.01, momentum: 0.9);
        Assert.Equal(100, new YOLOv5ParamScheduler(optimizer, iters_per_epoch: 20, bias_group_index: null).warmup_iters);
        Assert.Equal(150, new YOLOv5ParamScheduler(optimizer, iters_per_epoch: 50, bias_group_index: null).warmup_iters);
        Assert.Equal(1000, new YOLOv5ParamScheduler(optimizer, iters_per_epoch: 50, warmup_mim_iter: 1000, bias_group_index: null).warmup_iters);
        Assert.Equal("bias_group_index must name one of the optimizer's 1 param groups, got 2",
            Assert.Throws<ArgumentException>(() => new YOLOv5ParamScheduler(optimizer, iters_per_epoch: 100)).Message);
        Assert.Equal("scheduler_type must be 'linear' or 'cosine', got 'step'",
            Assert.Throws<ArgumentException>(() => new YOLOv5ParamScheduler(optimizer, 100, scheduler_type: "step", bias_group_index: null)).Message);
    }
}
