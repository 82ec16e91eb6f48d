using Vision.Engine.Optim;

namespace Vision.Engine.Training;

/// <summary>
/// What a parameter-scheduler factory gets: the optimizer and the run's length in optimizer steps, so an
/// epoch-based schedule can be converted to steps (<c>epoch_length: context.StepsPerEpoch</c>).
/// <code>
/// .WithSchedule(c => new LinearLR(c.Optimizer, start_factor: 0.01, end: 1, epoch_length: c.StepsPerEpoch),
///               c => new CosineAnnealingLR(c.Optimizer, T_max: 9, begin: 1, end: 10))
/// </code>
/// </summary>
/// <param name="Optimizer">The trainer's optimizer.</param>
/// <param name="StepsPerEpoch">Optimizer steps per epoch: ceil(batches per epoch / accumulate_grad_batches).</param>
/// <param name="MaxEpochs">The epoch count of an epoch-based run, else null.</param>
/// <param name="MaxIters">The iteration count of an iteration-based run, else null.</param>
public sealed record SchedulerContext(Optimizer Optimizer, long StepsPerEpoch, int? MaxEpochs, long? MaxIters);
