namespace Vision.Engine.Training;

/// <summary>Why <see cref="Trainer.Fit"/> returned.</summary>
public enum StopReason
{
    /// <summary>It trained for max_epochs or max_iters.</summary>
    Completed,
    /// <summary>A hook asked to stop (<see cref="Trainer.RequestStop"/>), e.g. early stopping.</summary>
    Stopped,
    /// <summary>Ctrl-C or the cancellation token interrupted it after a step; a checkpoint was written unless turned off.</summary>
    Interrupted,
}
