namespace Vision.Data.Transforms;

/// <summary>The few distributions the transforms draw from, all from the per-sample <see cref="Random"/>.</summary>
internal static class Sampling
{
    /// <summary>Uniform on [low, high) (Python's <c>random.uniform</c>).</summary>
    internal static double Uniform(Random rng, double low, double high) => low + (high - low) * rng.NextDouble();

    /// <summary>A standard normal deviate (Box–Muller).</summary>
    internal static double Normal(Random rng)
    {
        // 1 - NextDouble() lies in (0, 1], so the logarithm is finite.
        var u = 1.0 - rng.NextDouble();
        var v = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
    }

    /// <summary>A uniformly random permutation of 0 … n-1 (Fisher–Yates).</summary>
    internal static int[] Permutation(Random rng, int n)
    {
        var order = Enumerable.Range(0, n).ToArray();
        for (var i = n - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
