namespace Vision.Engine.Schedulers;

/// <summary>A <see cref="YOLOv5ParamScheduler"/>'s state as plain data, for checkpoints.</summary>
/// <param name="warmup_end">Whether warm-up is over.</param>
/// <param name="base_lr">Each group's initial lr.</param>
/// <param name="base_momentum">Each group's initial momentum (-1 where the group has none).</param>
public sealed record YOLOv5ParamSchedulerStateDict(bool warmup_end, IReadOnlyList<double> base_lr, IReadOnlyList<double> base_momentum);
