namespace Vision.Data.Loading;

/// <summary>The samples a <see cref="DataLoader"/> skipped in one epoch (with <see cref="DataLoaderOptions.SkipBadSamples"/>).</summary>
public sealed class SkippedSamplesEventArgs : EventArgs
{
    /// <summary>Creates the report of epoch <paramref name="epoch"/>.</summary>
    public SkippedSamplesEventArgs(int epoch, IReadOnlyList<SampleLoadException> skipped)
    {
        Epoch = epoch;
        Skipped = skipped;
    }

    /// <summary>The epoch that skipped the samples.</summary>
    public int Epoch { get; }

    /// <summary>Why each sample was skipped, in batch order.</summary>
    public IReadOnlyList<SampleLoadException> Skipped { get; }

    /// <summary>How many samples were skipped.</summary>
    public int Count => Skipped.Count;
}
