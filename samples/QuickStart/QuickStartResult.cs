using Vision.Engine.Evaluation;

namespace Vision.Samples.QuickStart;

/// <summary>What a <see cref="QuickStartRecipe"/> run produced and where it wrote it.</summary>
/// <param name="TestAccuracy">Top-1 accuracy of the final weights on the test images, in percent.</param>
/// <param name="Report">The whole test report: metrics, per-class precision/recall/F1, confusion matrix.</param>
/// <param name="ReportPath">The Markdown test report (<c>evaluation.json</c> lies next to it).</param>
/// <param name="LatestCheckpoint">The newest checkpoint folder, if one was written.</param>
/// <param name="BestCheckpoint">The checkpoint with the best validation accuracy, if one was kept.</param>
/// <param name="TrainingTime">Wall time of training including the per-epoch validation, without the final test pass.</param>
public sealed record QuickStartResult(
    double TestAccuracy,
    EvaluationReport Report,
    string ReportPath,
    string? LatestCheckpoint,
    string? BestCheckpoint,
    TimeSpan TrainingTime);
