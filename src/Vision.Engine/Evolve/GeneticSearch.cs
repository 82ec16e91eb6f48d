namespace Vision.Engine.Evolve;

/// <summary>
/// YOLOv5's hyperparameter evolution (<c>train.py --evolve</c>): the parent comes from the top five results so far by
/// fitness, weighted by fitness minus the smallest of them plus 1e-6; each hyperparameter is mutated with probability
/// 0.8 by the factor <c>clip(gain · N(0,1) · U · 0.2 + 1, 0.3, 3)</c> (one <c>U ~ U(0,1)</c> per draw), drawn again
/// until some factor differs from 1, and the result is clipped to the bounds and rounded to 5 decimals.
/// </summary>
public static class GeneticSearch
{
    /// <summary>How many of the best results are parents (YOLOv5's <c>n = min(5, len(x))</c>).</summary>
    public const int TopCount = 5;

    /// <summary>The probability that a hyperparameter is mutated (YOLOv5's <c>mp</c>).</summary>
    public const double MutationProbability = 0.8;

    /// <summary>The mutation scale (YOLOv5's <c>s</c>).</summary>
    public const double Sigma = 0.2;

    /// <summary>The smallest mutation factor.</summary>
    public const double MinFactor = 0.3;

    /// <summary>The largest mutation factor.</summary>
    public const double MaxFactor = 3.0;

    /// <summary>
    /// The parent values from <paramref name="results"/> (fitness and hyperparameter values per result): the top
    /// <see cref="TopCount"/> by fitness (ties by order), then one drawn by weight (<see cref="ParentSelection.Single"/>,
    /// or whenever there is only one) or their weighted mean (<see cref="ParentSelection.Weighted"/>).
    /// </summary>
    /// <exception cref="ArgumentException">There are no results, or one has a non-finite fitness.</exception>
    public static double[] SelectParent(IReadOnlyList<(double Fitness, IReadOnlyList<double> Values)> results, ParentSelection selection, GenerationRandom random)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(random);
        if (results.Count == 0)
        {
            throw new ArgumentException("parent selection needs at least one result.", nameof(results));
        }
        if (results.FirstOrDefault(r => !double.IsFinite(r.Fitness)) is { Values: not null } bad)
        {
            throw new ArgumentException($"a result has fitness {bad.Fitness}; fitness must be finite.", nameof(results));
        }
        var top = results.Select((r, i) => (r, i)).OrderByDescending(x => x.r.Fitness).ThenBy(x => x.i).Take(TopCount).Select(x => x.r).ToList();
        var smallest = top.Min(r => r.Fitness);
        var weights = top.Select(r => r.Fitness - smallest + 1e-6).ToArray();
        if (selection == ParentSelection.Single || top.Count == 1)
        {
            // random.choices(range(n), weights=w): the first index whose cumulative weight exceeds U · total.
            var target = random.Uniform() * weights.Sum();
            var cumulative = 0.0;
            for (var i = 0; i < top.Count; i++)
            {
                cumulative += weights[i];
                if (target < cumulative)
                {
                    return [.. top[i].Values];
                }
            }
            return [.. top[^1].Values];
        }
        var total = weights.Sum();
        return [.. Enumerable.Range(0, top[0].Values.Count).Select(k => top.Select((r, i) => r.Values[k] * weights[i]).Sum() / total)];
    }

    /// <summary>
    /// The multiplicative factors of one mutation: per hyperparameter <c>clip(gain · [U &lt; 0.8] · N(0,1) · U' · 0.2 + 1, 0.3, 3)</c>,
    /// drawn again until at least one differs from 1 (the space has a positive gain, so this ends).
    /// </summary>
    public static double[] MutationFactors(IReadOnlyList<double> gains, GenerationRandom random)
    {
        ArgumentNullException.ThrowIfNull(gains);
        ArgumentNullException.ThrowIfNull(random);
        if (!gains.Any(g => g > 0))
        {
            throw new ArgumentException("at least one gain must be positive, or no mutation can change anything.", nameof(gains));
        }
        var count = gains.Count;
        var factors = Enumerable.Repeat(1.0, count).ToArray();
        while (factors.All(f => f == 1.0))
        {
            var mutated = Enumerable.Range(0, count).Select(_ => random.Uniform() < MutationProbability).ToArray();
            var normals = Enumerable.Range(0, count).Select(_ => random.Normal()).ToArray();
            var scale = random.Uniform();
            for (var i = 0; i < count; i++)
            {
                var factor = gains[i] * (mutated[i] ? 1.0 : 0.0) * normals[i] * scale * Sigma + 1.0;
                factors[i] = Math.Clamp(factor, MinFactor, MaxFactor);
            }
        }
        return factors;
    }

    /// <summary>A child of <paramref name="parent"/>: each value times its mutation factor, then clipped and rounded by its declaration.</summary>
    public static double[] Mutate(IReadOnlyList<double> parent, SearchSpace space, GenerationRandom random)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(space);
        var factors = MutationFactors([.. space.Parameters.Select(p => p.Gain)], random);
        return [.. space.Parameters.Select((p, i) => p.Constrain(parent[i] * factors[i]))];
    }

    /// <summary>
    /// A random-search candidate: every hyperparameter with a positive gain drawn uniformly within its bounds, the
    /// others kept at <paramref name="start"/>.
    /// </summary>
    public static double[] Sample(IReadOnlyList<double> start, SearchSpace space, GenerationRandom random)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(space);
        return [.. space.Parameters.Select((p, i) => p.Gain > 0 ? p.Constrain(p.Low + random.Uniform() * (p.High - p.Low)) : start[i])];
    }
}
