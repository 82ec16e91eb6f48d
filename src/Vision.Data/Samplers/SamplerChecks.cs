namespace Vision.Data.Samplers;

/// <summary>Constructor argument checks shared by the samplers, so their messages read the same.</summary>
internal static class SamplerChecks
{
    public static void Length(int length, string sampler)
    {
        if (length < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"{sampler}: the dataset length must not be negative.");
        }
    }

    public static void Ranks(int num_replicas, int rank, string sampler)
    {
        if (num_replicas < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(num_replicas), num_replicas, $"{sampler}: num_replicas must be at least 1.");
        }
        if (rank < 0 || rank >= num_replicas)
        {
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"{sampler}: rank must be in [0, {num_replicas - 1}] for num_replicas = {num_replicas}.");
        }
    }
}
