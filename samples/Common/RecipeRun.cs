using Vision.Data.Datasets;
using Vision.Engine.Evaluation;
using Vision.Engine.Visualization;
using Vision.Engine.Training;

namespace Vision.Samples.Common;

/// <summary>What a recipe run produced.</summary>
/// <param name="Fit">How training ended, its last metrics and checkpoints.</param>
/// <param name="Report">The final evaluation (test split, or validation when there is none).</param>
/// <param name="ReportDirectory">Where the report's evaluation.json and evaluation.md are.</param>
/// <param name="Curves">The PNG charts drawn from the logged scalars (loss, lr, accuracy).</param>
public sealed record RecipeResult(FitResult Fit, EvaluationReport Report, string ReportDirectory, IReadOnlyList<string> Curves);

/// <summary>The common ending of the training samples: train, evaluate on held-out data, draw the curves.</summary>
public static class RecipeRun
{
    /// <summary>
    /// Fits <paramref name="trainer"/>, then writes the evaluation report of <see cref="ClassFolderData.TestOrVal"/>
    /// (into <see cref="Trainer.TestReportDir"/>) and the loss, lr and accuracy curves (into {work_dir}/curves; the trainer's
    /// <see cref="TrainingCurvesHook"/> drew them during the run too, this call returns their paths in order).
    /// </summary>
    public static RecipeResult FitTestAndPlot(Trainer trainer, ClassFolderData data)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(data);
        var fit = trainer.Fit();
        var report = trainer.Test(data.TestOrVal, data.Classes);
        var curves = TrainingCurves.Write([CurveRun.FromWorkDir(trainer.WorkDir)], Path.Combine(trainer.WorkDir, TrainingCurves.FolderName), CurveAxis.Epoch);
        return new RecipeResult(fit, report, trainer.TestReportDir, curves);
    }
}
