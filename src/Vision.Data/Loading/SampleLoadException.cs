namespace Vision.Data.Loading;

/// <summary>
/// Loading or transforming one sample failed. The message names the dataset index and where the sample came
/// from; <see cref="Exception.InnerException"/> is the original failure (e.g. the decoder's error).
/// </summary>
public sealed class SampleLoadException : Exception
{
    /// <summary>Creates the exception for sample <paramref name="index"/> from <paramref name="source"/>.</summary>
    public SampleLoadException(int index, string source, Exception inner)
        : base($"Loading sample {index} ({source}) failed: {inner.Message}", inner)
    {
        Index = index;
        SampleSource = source;
    }

    /// <summary>The dataset index of the sample.</summary>
    public int Index { get; }

    /// <summary>The sample's file path or description, or the dataset's type when loading failed before the sample existed.</summary>
    public string SampleSource { get; }
}
