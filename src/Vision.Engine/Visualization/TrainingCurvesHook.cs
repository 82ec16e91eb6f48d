using Microsoft.Extensions.Logging;
using Vision.Engine.Hooks;
using Vision.Engine.Logging;
using Vision.Engine.Training;

namespace Vision.Engine.Visualization;

/// <summary>
/// Redraws the training curves (<see cref="TrainingCurves"/>) into <c>{work_dir}/curves</c> after every validation and
/// at the end of training, from the run's <c>logs/scalars.csv</c>, so the pictures of a run are always current. One of
/// the trainer's default hooks; x is in epochs for epoch-based runs and in iterations for iteration-based ones. Only the
/// main process draws. A chart that cannot be written is reported as a warning: pictures never stop a run.
/// </summary>
public sealed class TrainingCurvesHook : Hook
{
    /// <summary>Creates the hook (priority LOWEST, so it draws what the other hooks logged).</summary>
    public TrainingCurvesHook() : base(HookPriority.Lowest)
    {
    }

    /// <inheritdoc/>
    public override void AfterVal(Trainer trainer) => Draw(trainer);

    /// <inheritdoc/>
    public override void AfterTrain(Trainer trainer) => Draw(trainer);

    private static void Draw(Trainer trainer)
    {
        if (!trainer.Distributed.IsMainProcess || !File.Exists(Path.Combine(trainer.LogDir, CsvScalarWriter.FileName)))
        {
            return;
        }
        try
        {
            TrainingCurves.Write([CurveRun.FromWorkDir(trainer.WorkDir)], Path.Combine(trainer.WorkDir, TrainingCurves.FolderName),
                trainer.IsIterBased ? CurveAxis.Iteration : CurveAxis.Epoch);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            trainer.Logger.LogWarning("The training curves could not be drawn: {Message}", e.Message);
        }
    }
}
