namespace Vision.Data.Loading;

/// <summary>What loading one planned batch produced: the batch (null when every sample was skipped), or the error to rethrow on the consumer's thread.</summary>
internal sealed class BatchResult(Batch? batch, Exception? error, IReadOnlyList<SampleLoadException> skipped) : IDisposable
{
    public Batch? Batch { get; } = batch;

    public Exception? Error { get; } = error;

    public IReadOnlyList<SampleLoadException> Skipped { get; } = skipped;

    public void Dispose() => Batch?.Dispose();
}
