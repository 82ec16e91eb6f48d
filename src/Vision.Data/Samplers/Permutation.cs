namespace Vision.Data.Samplers;

/// <summary>The shuffles of the samplers, shared so that they agree with each other and with PyTorch.</summary>
internal static class Permutation
{
    /// <summary>
    /// <c>torch.randperm(n, generator=g)</c> with <c>g.manual_seed(seed)</c>, as PyTorch's samplers shuffle: the
    /// same libtorch gives the same order as Python (a negative seed wraps as manual_seed does).
    /// </summary>
    public static int[] Of(int n, long seed)
    {
        using var generator = new Generator(unchecked((ulong)seed));
        using var perm = torch.randperm(n, torch.int64, generator: generator);
        return Array.ConvertAll(perm.data<long>(), i => (int)i);
    }

    /// <summary>
    /// Pads <paramref name="indices"/> to <paramref name="totalSize"/> by repeating it from the start as often as
    /// needed (or truncates it), then takes every <paramref name="numReplicas"/>-th entry from
    /// <paramref name="rank"/>: DistributedSampler's <c>indices += indices[:padding]</c> (repeated when the
    /// padding is longer than the list) followed by <c>indices[rank:total_size:num_replicas]</c>.
    /// </summary>
    public static int[] PadAndStride(IReadOnlyList<int> indices, int totalSize, int rank, int numReplicas)
    {
        var result = new int[(totalSize - rank + numReplicas - 1) / numReplicas];
        for (var k = 0; k < result.Length; k++)
        {
            result[k] = indices[(rank + k * numReplicas) % indices.Count];
        }
        return result;
    }
}
