namespace Vision.Models.Backbones;

/// <summary>
/// Stochastic-depth rates that grow linearly with a block's global index, rate · i / (blocks − 1), as timm
/// (<c>torch.linspace(0, rate, blocks)</c>) and CAS-ViT assign them: shallow blocks, whose features every later block
/// builds on, are dropped least.
/// </summary>
internal static class DropPathSchedule
{
    /// <summary>The rate of each of <paramref name="blocks"/> blocks, from 0 for the first to <paramref name="rate"/> for the last.</summary>
    public static double[] Linear(double rate, int blocks)
    {
        if (rate is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "drop_path_rate must be in [0, 1].");
        }
        // A single block has no depth to grow over; linspace with one step gives its start, 0.
        return Enumerable.Range(0, blocks).Select(i => blocks == 1 ? 0 : rate * i / (blocks - 1)).ToArray();
    }
}
