namespace Vision.Data.Samplers;

/// <summary>Visits 0, 1, …, length-1 in order every epoch (torch.utils.data.SequentialSampler).</summary>
public sealed class SequentialSampler : ISampler
{
    /// <summary>Creates a sampler over a dataset of <paramref name="length"/> samples.</summary>
    public SequentialSampler(int length)
    {
        SamplerChecks.Length(length, nameof(SequentialSampler));
        Count = length;
    }

    /// <inheritdoc/>
    public int Count { get; }

    /// <inheritdoc/>
    public int Epoch { get; private set; }

    /// <inheritdoc/>
    public void SetEpoch(int epoch) => Epoch = epoch;

    /// <inheritdoc/>
    public IReadOnlyList<int> GetIndices() => Enumerable.Range(0, Count).ToArray();
}
