namespace Vision.Engine.Schedulers;

/// <summary>A <see cref="ParamScheduler"/>'s progress as plain data, for checkpoints.</summary>
/// <param name="last_step">The step inside the scheduler's window.</param>
/// <param name="global_step">How many steps were taken in all, minus one.</param>
/// <param name="base_values">Each group's initial value.</param>
/// <param name="last_value">Each group's value after the last step.</param>
public sealed record ParamSchedulerStateDict(long last_step, long global_step, IReadOnlyList<double> base_values, IReadOnlyList<double> last_value);
