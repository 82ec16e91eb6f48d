namespace Vision.Engine.Evolve;

/// <summary>
/// The random numbers of one generation, derived from (seed, generation) alone, so a resumed or shared evolution
/// proposes the same candidate for a generation as an uninterrupted one given the same results so far.
/// </summary>
public sealed class GenerationRandom
{
    private readonly Random random;

    /// <summary>Creates the generator of <paramref name="generation"/> in the evolution seeded with <paramref name="seed"/>.</summary>
    public GenerationRandom(long seed, int generation)
    {
        // SplitMix64 of the pair: neighbouring generations get unrelated streams.
        var z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)generation + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        random = new Random((int)(z & 0x7FFFFFFF));
    }

    /// <summary>A uniform draw from [0, 1).</summary>
    public double Uniform() => random.NextDouble();

    /// <summary>A standard normal draw (Box–Muller).</summary>
    public double Normal()
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
