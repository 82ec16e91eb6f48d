namespace Vision.Data;

/// <summary>
/// A per-sample transform (crop, flip, colour, erase, …). All randomness comes from the <c>rng</c> argument,
/// which the loader seeds from (seed, epoch, sample index), so results do not depend on the number of workers.
/// Parameters are validated in the constructor.
/// </summary>
public interface ITransform
{
    /// <summary>Transforms <paramref name="sample"/> in place (replacing its image) and returns it.</summary>
    DataSample Apply(DataSample sample, Random rng);
}
