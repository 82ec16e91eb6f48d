using Vision.Data;
using Vision.Data.Loading;
using Vision.Engine.Hooks;
using Vision.Engine.Training;

namespace Vision.Engine.Loops;

/// <summary>A validation pass over the validation loader with the val hooks; its metrics become the trainer's latest (MMEngine's <c>ValLoop</c>).</summary>
internal sealed class ValLoop(Trainer trainer, DataLoader loader) : EvaluationLoop(trainer, loader)
{
    /// <inheritdoc />
    protected override string Mode => "val";

    /// <summary>Validates; returns the metrics.</summary>
    public IReadOnlyDictionary<string, double> Run() => Evaluate(classes: null).Metrics;

    /// <inheritdoc />
    protected override void Publish(IReadOnlyDictionary<string, double> metrics) => Trainer.LastMetrics = metrics;

    // Only once every hook has acted on the metrics (the best checkpoint among them) is the validation done.
    protected override void Completed() => Trainer.ValidationPending = false;

    /// <inheritdoc />
    protected override void BeforeRun(Hook hook) => hook.BeforeVal(Trainer);

    /// <inheritdoc />
    protected override void BeforeEpoch(Hook hook) => hook.BeforeValEpoch(Trainer);

    /// <inheritdoc />
    protected override void BeforeIter(Hook hook, int batchIndex, Batch batch) => hook.BeforeValIter(Trainer, batchIndex, batch);

    /// <inheritdoc />
    protected override void AfterIter(Hook hook, int batchIndex, Batch batch, Tensor logits) => hook.AfterValIter(Trainer, batchIndex, batch, logits);

    /// <inheritdoc />
    protected override void AfterEpoch(Hook hook, IReadOnlyDictionary<string, double> metrics) => hook.AfterValEpoch(Trainer, metrics);

    /// <inheritdoc />
    protected override void AfterRun(Hook hook) => hook.AfterVal(Trainer);
}
