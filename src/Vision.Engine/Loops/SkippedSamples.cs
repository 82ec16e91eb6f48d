using Microsoft.Extensions.Logging;
using Vision.Data.Loading;
using Vision.Engine.Training;

namespace Vision.Engine.Loops;

/// <summary>
/// Reports the samples a loader with <c>skip_bad_samples</c> dropped during its last pass: one warning per file with
/// the reason, so a skipped file is never silent, and a running count for the run's summary.
/// </summary>
internal static class SkippedSamples
{
    public static void Report(Trainer trainer, DataLoader loader, string phase)
    {
        foreach (var skipped in loader.SkippedSamples)
        {
            trainer.Logger.LogWarning("Skipped {Phase} sample {Index} ({Source}): {Reason}", phase, skipped.Index, skipped.SampleSource,
                skipped.InnerException?.Message ?? skipped.Message);
        }
        trainer.SkippedSampleCount += loader.SkippedSamples.Count;
    }
}
