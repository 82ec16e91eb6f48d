using Vision.Data;
using Vision.Data.Loading;
using Vision.Engine.Evaluation;
using Vision.Engine.Hooks;
using Vision.Engine.Training;

namespace Vision.Engine.Loops;

/// <summary>
/// A test pass with the test hooks (MMEngine's <c>TestLoop</c>); it needs no optimizer and no training loader. The
/// main process writes the report into the trainer's <see cref="Trainer.TestReportDir"/>.
/// </summary>
internal sealed class TestLoop(Trainer trainer, DataLoader loader) : EvaluationLoop(trainer, loader)
{
    /// <inheritdoc />
    protected override string Mode => "test";

    /// <summary>Tests; returns the report (per-class rows named by <paramref name="classes"/>, indices when null), which names what was evaluated.</summary>
    public EvaluationReport Run(IReadOnlyList<string>? classes)
    {
        var report = Evaluate(classes);
        report.Source = Source();
        if (Trainer.Distributed.IsMainProcess)
        {
            report.Save(Trainer.TestReportDir);
            Trainer.Info($"Test report: {Path.Combine(Trainer.TestReportDir, EvaluationReport.MarkdownFileName)}");
        }
        return report;
    }

    /// <inheritdoc />
    // What was evaluated, for the report: checkpoint, config, raw or EMA weights, dataset and sample count.
    private EvaluationSource Source()
    {
        var dataset = Loader.Dataset;
        return new EvaluationSource(Trainer.LoadedCheckpoint, Trainer.ConfigOrigin,
            Trainer.Hooks.OfType<EMAHook>().Any(h => h.ValidatesWithEma) ? "EMA" : "raw",
            dataset is Vision.Data.Datasets.ImageFolder folder ? $"ImageFolder {folder.Root}" : dataset.GetType().Name, dataset.Count);
    }

    protected override void BeforeRun(Hook hook) => hook.BeforeTest(Trainer);

    /// <inheritdoc />
    protected override void BeforeEpoch(Hook hook) => hook.BeforeTestEpoch(Trainer);

    /// <inheritdoc />
    protected override void BeforeIter(Hook hook, int batchIndex, Batch batch) => hook.BeforeTestIter(Trainer, batchIndex, batch);

    /// <inheritdoc />
    protected override void AfterIter(Hook hook, int batchIndex, Batch batch, Tensor logits) => hook.AfterTestIter(Trainer, batchIndex, batch, logits);

    /// <inheritdoc />
    protected override void AfterEpoch(Hook hook, IReadOnlyDictionary<string, double> metrics) => hook.AfterTestEpoch(Trainer, metrics);

    /// <inheritdoc />
    protected override void AfterRun(Hook hook) => hook.AfterTest(Trainer);
}
