using System.Globalization;

namespace Vision.Engine.Training;

/// <summary>
/// Training stopped because the loss became NaN or infinite. No checkpoint is written for the broken state, so
/// <see cref="LastCheckpoint"/> (the latest one) is the last good state to resume from.
/// </summary>
public sealed class NonFiniteLossException : Exception
{
    /// <summary>Creates the exception; the message names the epoch, iteration, value and last good checkpoint.</summary>
    public NonFiniteLossException(int epoch, long iter, int batchIndex, double loss, string? lastCheckpoint)
        : base($"The loss is {loss.ToString(CultureInfo.InvariantCulture)} at epoch {epoch + 1}, iteration {iter + 1} (batch {batchIndex + 1} of the epoch); training stopped. " +
            (lastCheckpoint is null
                ? "No checkpoint was written before it."
                : $"The last good checkpoint is '{lastCheckpoint}': resume from it (resume = \"auto\" or that path), e.g. with a lower learning rate or gradient clipping."))
    {
        Epoch = epoch;
        Iter = iter;
        Loss = loss;
        LastCheckpoint = lastCheckpoint;
    }

    /// <summary>The epoch, counted from 0.</summary>
    public int Epoch { get; }

    /// <summary>The global iteration, counted from 0.</summary>
    public long Iter { get; }

    /// <summary>The non-finite loss value.</summary>
    public double Loss { get; }

    /// <summary>The latest checkpoint written before the failure, or null.</summary>
    public string? LastCheckpoint { get; }
}
