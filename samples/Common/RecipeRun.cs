using Vision.Data.Datasets;
using Vision.Engine.Evaluation;
using Vision.Engine.Logging;
using Vision.Engine.Training;

namespace Vision.Samples.Common;

/// <summary>What a recipe run produced.</summary>
/// <param name="Fit">How training ended, its last metrics and checkpoints.</param>
/// <param name="Report">The final evaluation (test split, or validation when there is none).</param>
/// <param name="ReportDirectory">Where the report's evaluation.json and evaluation.md are.</param>
/// <param name="Curves">The SVG charts drawn from the logged scalars.</param>
public sealed record RecipeResult(FitResult Fit, EvaluationReport Report, string ReportDirectory, IReadOnlyList<string> Curves);

/// <summary>The common ending of the training samples: train, evaluate on held-out data, draw the curves.</summary>
public static class RecipeRun
{
    /// <summary>The folder under the work dir that receives the curves.</summary>
    public const string CurvesFolder = "curves";

    /// <summary>
    /// Fits <paramref name="trainer"/>, then writes the evaluation report of <see cref="ClassFolderData.TestOrVal"/>
    /// (into <see cref="Trainer.TestReportDir"/>) and the loss and accuracy curves (into {work_dir}/curves).
    /// </summary>
    public static RecipeResult FitTestAndPlot(Trainer trainer, ClassFolderData data)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(data);
        var fit = trainer.Fit();
        var report = trainer.Test(data.TestOrVal, data.Classes);
        var curves = ScalarCurves.WriteTrainingCurves(trainer.LogDir, Path.Combine(trainer.WorkDir, CurvesFolder));
        return new RecipeResult(fit, report, trainer.TestReportDir, curves);
    }
}
