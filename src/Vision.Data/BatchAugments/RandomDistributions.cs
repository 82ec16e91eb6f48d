namespace Vision.Data.BatchAugments;

/// <summary>
/// Continuous distributions drawn from a <see cref="Random"/>, so that batch augments (Mixup's lambda) are
/// reproducible from a seed: Gamma by Marsaglia and Tsang's method (2000), Beta as X / (X + Y) of two Gamma draws.
/// </summary>
public static class RandomDistributions
{
    /// <summary>A standard normal sample (Box–Muller).</summary>
    public static double NextStandardNormal(this Random rng)
    {
        var u1 = 1.0 - rng.NextDouble(); // (0, 1]: keeps the logarithm finite
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>A Gamma(<paramref name="shape"/>, 1) sample: mean and variance both equal the shape.</summary>
    public static double NextGamma(this Random rng, double shape)
    {
        CheckPositive(shape, nameof(shape));
        return Math.Exp(LogGamma(rng, shape));
    }

    /// <summary>A Beta(<paramref name="alpha"/>, <paramref name="beta"/>) sample in [0, 1] (np.random.beta).</summary>
    public static double NextBeta(this Random rng, double alpha, double beta)
    {
        CheckPositive(alpha, nameof(alpha));
        CheckPositive(beta, nameof(beta));
        // X / (X + Y) = 1 / (1 + Y / X), computed from logarithms because for small parameters (Mixup's 0.1-0.2)
        // both draws can underflow to zero.
        var logX = LogGamma(rng, alpha);
        var logY = LogGamma(rng, beta);
        return 1.0 / (1.0 + Math.Exp(logY - logX));
    }

    // Logarithm of a Gamma(shape) draw. Shapes below 1 use Gamma(a) = Gamma(a + 1) · U^(1/a).
    private static double LogGamma(Random rng, double shape)
    {
        if (shape >= 1)
        {
            return Math.Log(MarsagliaTsang(rng, shape));
        }
        var u = 1.0 - rng.NextDouble();
        return Math.Log(MarsagliaTsang(rng, shape + 1)) + Math.Log(u) / shape;
    }

    private static double MarsagliaTsang(Random rng, double shape)
    {
        var d = shape - 1.0 / 3.0;
        var c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = rng.NextStandardNormal();
                v = 1.0 + c * x;
            }
            while (v <= 0);
            v = v * v * v;
            var u = rng.NextDouble();
            var x2 = x * x;
            if (u < 1.0 - 0.0331 * x2 * x2 || Math.Log(u) < 0.5 * x2 + d * (1.0 - v + Math.Log(v)))
            {
                return d * v;
            }
        }
    }

    private static void CheckPositive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"The {name} parameter must be a positive finite number.");
        }
    }
}
