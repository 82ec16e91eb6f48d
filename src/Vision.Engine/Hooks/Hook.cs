using Vision.Data;
using Vision.Engine.Checkpoints;
using Vision.Engine.Training;

namespace Vision.Engine.Hooks;

/// <summary>
/// Code that runs at the trainer's lifecycle points, with MMEngine's hook points and order:
/// <code>
/// BeforeRun
///   [AfterLoadCheckpoint]                       (resume / load_from)
///   BeforeTrain
///     BeforeTrainEpoch
///       BeforeTrainIter, AfterTrainIter          (per batch)
///     AfterTrainEpoch
///     BeforeVal, BeforeValEpoch
///       BeforeValIter, AfterValIter              (per batch)
///     AfterValEpoch, AfterVal
///   AfterTrain
/// AfterRun
/// BeforeTest … AfterTest                         (Trainer.Test)
/// BeforeSaveCheckpoint, AfterSaveCheckpoint      (whenever a checkpoint is written)
/// </code>
/// Every method does nothing by default; override the ones you need. At each point the hooks run in
/// <see cref="Priority"/> order (registration order among equals). Hooks that write files or print check
/// <see cref="Trainer.Distributed"/> so only the main process does.
/// </summary>
public abstract class Hook
{
    /// <summary>Creates a hook with the given default priority.</summary>
    protected Hook(HookPriority priority = HookPriority.Normal) => Priority = priority;

    /// <summary>When the hook runs relative to others (lower first); settable per instance, e.g. <c>new EMAHook { Priority = HookPriority.High }</c>.</summary>
    public HookPriority Priority { get; init; }

    /// <summary>Once, before anything else (before resuming).</summary>
    public virtual void BeforeRun(Trainer trainer)
    {
    }

    /// <summary>Once, after everything (also after a failure, before the exception propagates).</summary>
    public virtual void AfterRun(Trainer trainer)
    {
    }

    /// <summary>Before the first training epoch, after resuming.</summary>
    public virtual void BeforeTrain(Trainer trainer)
    {
    }

    /// <summary>After the last training epoch (or an early stop).</summary>
    public virtual void AfterTrain(Trainer trainer)
    {
    }

    /// <summary>Before each training epoch; <see cref="Trainer.Epoch"/> is the epoch about to run (from 0).</summary>
    public virtual void BeforeTrainEpoch(Trainer trainer)
    {
    }

    /// <summary>After each training epoch, before its validation; <see cref="Trainer.Epoch"/> is still the epoch that ran.</summary>
    public virtual void AfterTrainEpoch(Trainer trainer)
    {
    }

    /// <summary>Before each training batch; <paramref name="batchIndex"/> counts from 0 within the epoch.</summary>
    public virtual void BeforeTrainIter(Trainer trainer, int batchIndex, Batch batch)
    {
    }

    /// <summary>After each training batch; <paramref name="output"/> has its loss and whether the optimizer stepped.</summary>
    public virtual void AfterTrainIter(Trainer trainer, int batchIndex, Batch batch, TrainStepOutput output)
    {
    }

    /// <summary>Before a validation pass.</summary>
    public virtual void BeforeVal(Trainer trainer)
    {
    }

    /// <summary>After a validation pass.</summary>
    public virtual void AfterVal(Trainer trainer)
    {
    }

    /// <summary>Before the batches of a validation pass.</summary>
    public virtual void BeforeValEpoch(Trainer trainer)
    {
    }

    /// <summary>After the batches of a validation pass, with the evaluators' metrics.</summary>
    public virtual void AfterValEpoch(Trainer trainer, IReadOnlyDictionary<string, double> metrics)
    {
    }

    /// <summary>Before each validation batch.</summary>
    public virtual void BeforeValIter(Trainer trainer, int batchIndex, Batch batch)
    {
    }

    /// <summary>After each validation batch, with the model's float32 logits.</summary>
    public virtual void AfterValIter(Trainer trainer, int batchIndex, Batch batch, Tensor logits)
    {
    }

    /// <summary>Before a test pass.</summary>
    public virtual void BeforeTest(Trainer trainer)
    {
    }

    /// <summary>After a test pass.</summary>
    public virtual void AfterTest(Trainer trainer)
    {
    }

    /// <summary>Before the batches of a test pass.</summary>
    public virtual void BeforeTestEpoch(Trainer trainer)
    {
    }

    /// <summary>After the batches of a test pass, with the evaluators' metrics.</summary>
    public virtual void AfterTestEpoch(Trainer trainer, IReadOnlyDictionary<string, double> metrics)
    {
    }

    /// <summary>Before each test batch.</summary>
    public virtual void BeforeTestIter(Trainer trainer, int batchIndex, Batch batch)
    {
    }

    /// <summary>After each test batch, with the model's float32 logits.</summary>
    public virtual void AfterTestIter(Trainer trainer, int batchIndex, Batch batch, Tensor logits)
    {
    }

    /// <summary>Before a checkpoint is written: add tensors or state to <paramref name="checkpoint"/> here.</summary>
    public virtual void BeforeSaveCheckpoint(Trainer trainer, Checkpoint checkpoint)
    {
    }

    /// <summary>After a checkpoint was written to <paramref name="location"/>.</summary>
    public virtual void AfterSaveCheckpoint(Trainer trainer, string location)
    {
    }

    /// <summary>After the trainer restored a checkpoint (resume): restore the hook's own state from it here.</summary>
    public virtual void AfterLoadCheckpoint(Trainer trainer, Checkpoint checkpoint)
    {
    }
}
