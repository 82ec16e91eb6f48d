using Microsoft.Extensions.Logging;
using Vision.Engine.Checkpoints;
using Vision.Engine.Optim;
using Vision.Engine.Steps;
using Vision.Engine.Training;

namespace Vision.Engine.Loops;

/// <summary>
/// What the epoch- and iteration-based training loops share: epochs over the training loader (resuming inside one),
/// one <see cref="ITrainStep"/> per batch in its own dispose scope, accumulation windows cut at the epoch's end,
/// the hooks around each batch and epoch, and the resume points the <see cref="CheckpointManager"/> saves.
/// </summary>
internal abstract class TrainLoop(Trainer trainer, OptimWrapper optimWrapper, ITrainStep step, CheckpointManager checkpoints, ValLoop? valLoop)
{
    protected Trainer Trainer => trainer;

    /// <summary>Whether the run reached its length.</summary>
    protected abstract bool Finished { get; }

    /// <summary>Whether the run must end inside the current epoch (checked after each optimizer step).</summary>
    protected virtual bool ReachedEndInsideEpoch => false;

    /// <summary>Batches the run has left; caps the last accumulation window.</summary>
    protected virtual long IterationsLeft => long.MaxValue;

    /// <summary>Trains until the run's length or a stop request, starting <paramref name="resumeSkip"/> batches into the current epoch.</summary>
    public void Run(int resumeSkip)
    {
        if (trainer.ValidationPending)
        {
            // The run this one resumes had finished training up to here but not the validation after it.
            valLoop?.Run();
        }
        while (!Finished && !trainer.StopRequested)
        {
            if (!RunEpoch(resumeSkip))
            {
                return;
            }
            resumeSkip = 0;
            AfterEpoch();
        }
    }

    /// <summary>Runs after a batch's hooks and counters (iteration-based validation).</summary>
    protected virtual void AfterIteration()
    {
    }

    /// <summary>Runs after a whole epoch (epoch-based validation).</summary>
    protected virtual void AfterEpoch()
    {
    }

    /// <summary>Validates when <paramref name="done"/> (epochs or iterations) is due by val_begin and val_interval.</summary>
    protected void ValidateIfDue(long done)
    {
        if (trainer.IsValidationDue(done))
        {
            valLoop!.Run();
        }
    }

    // Returns whether the epoch ran to its end (false: stopped or reached max_iters inside it).
    private bool RunEpoch(int skip)
    {
        trainer.CallHooks(h => h.BeforeTrainEpoch(trainer));
        trainer.Model.train();
        trainer.InnerIter = skip;
        var loader = trainer.TrainDataLoader;
        var brokeOff = false;
        foreach (var batch in loader.Epoch(loader.Sampler.Epoch, skip))
        {
            TrainStepOutput output;
            using (batch)
            {
                trainer.CallHooks(h => h.BeforeTrainIter(trainer, trainer.InnerIter, batch));
                if (optimWrapper.PendingBatches == 0)
                {
                    optimWrapper.BeginWindow(WindowLength());
                }
                output = RunStep(batch);
                // From the step after which a validation is due until that validation ends, a checkpoint waits for it
                // (or records that it is pending): the last batch of an epoch counts, since its epoch-end validation follows.
                trainer.ValidationPending = trainer.IsIterBased
                    ? trainer.IsValidationDue(trainer.Iter + 1)
                    : trainer.InnerIter + 1 == trainer.EpochLength && trainer.IsValidationDue(trainer.Epoch + 1);
                trainer.CallHooks(h => h.AfterTrainIter(trainer, trainer.InnerIter, batch, output));
            }
            trainer.InnerIter++;
            trainer.Iter++;
            AfterIteration();
            if (output.OptimizerStepped && (trainer.StopRequested || ReachedEndInsideEpoch))
            {
                brokeOff = true;
                break;
            }
        }
        SkippedSamples.Report(trainer, loader, "training");
        if (!brokeOff && optimWrapper.PendingBatches > 0)
        {
            // The loader yielded fewer batches than planned (a batch of only bad samples was skipped), so the
            // window never filled: step with what it has rather than carrying its gradients into the next epoch.
            trainer.Logger.LogWarning("Epoch {Epoch} ended inside an accumulation window; stepping with {Count} of its batches.", trainer.Epoch + 1, optimWrapper.PendingBatches);
            optimWrapper.Step();
            checkpoints.MarkSafePoint(trainer.Epoch, trainer.InnerIter, trainer.Iter);
        }
        if (brokeOff && trainer.InnerIter < trainer.EpochLength)
        {
            return false;
        }
        checkpoints.MarkSafePoint(trainer.Epoch + 1, 0, trainer.Iter);
        trainer.ValidationPending = !trainer.IsIterBased && trainer.IsValidationDue(trainer.Epoch + 1);
        trainer.CallHooks(h => h.AfterTrainEpoch(trainer));
        trainer.Epoch++;
        trainer.InnerIter = 0;
        return !brokeOff;
    }

    private TrainStepOutput RunStep(Data.Batch batch)
    {
        using var scope = torch.NewDisposeScope();
        var updates = optimWrapper.UpdateCount;
        using var accumulation = optimWrapper.AccumulationContext();
        var output = step.Run(batch, new TrainStepContext(trainer, optimWrapper, trainer.AugmentRandom()));
        if (optimWrapper.UpdateCount != updates + 1)
        {
            throw new InvalidOperationException(
                $"The training step {step.GetType().Name} handed {optimWrapper.UpdateCount - updates} losses to OptimWrapper.UpdateParams for one batch; it must hand exactly one.");
        }
        if (output.OptimizerStepped)
        {
            checkpoints.MarkSafePoint(trainer.Epoch, trainer.InnerIter + 1, trainer.Iter + 1);
        }
        return output;
    }

    // The real length of the accumulation window starting at this batch: accumulate_grad_batches, cut short by
    // the end of the epoch or of the run, so each batch's loss is divided by the number of batches summed.
    private int WindowLength()
    {
        var length = Math.Min(trainer.Options.AccumulateGradBatches, trainer.EpochLength - trainer.InnerIter);
        length = (int)Math.Min(length, IterationsLeft);
        return Math.Max(length, 1);
    }
}
