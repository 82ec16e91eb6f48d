namespace Vision.Engine.Visualization.Tsne;

/// <summary>
/// t-SNE's input similarities P as a symmetric sparse matrix (CSR) over each point's k = ⌊3·perplexity⌋ + 1 nearest
/// neighbours (squared Euclidean distances): per point a Gaussian whose precision β is found by bisection so the
/// conditional distribution's entropy is log(perplexity), then P = (P_cond + P_condᵀ) / Σ, as scikit-learn's
/// <c>_joint_probabilities_nn</c>. The neighbour search runs in libtorch (blocked X·Xᵀ and topk).
/// </summary>
internal sealed class TsneAffinities
{
    private const int SearchSteps = 100;
    private const double EntropyTolerance = 1e-5;

    private TsneAffinities(int[] rowStart, int[] columns, double[] values)
    {
        RowStart = rowStart;
        Columns = columns;
        Values = values;
    }

    /// <summary>Row i's entries are [RowStart[i], RowStart[i + 1]).</summary>
    public int[] RowStart { get; }

    /// <summary>The column of each entry.</summary>
    public int[] Columns { get; }

    /// <summary>The value of each entry; all sum to 1.</summary>
    public double[] Values { get; }

    public static TsneAffinities Compute(Tensor features, double perplexity)
    {
        var n = (int)features.size(0);
        var k = Math.Min(n - 1, (int)(3 * perplexity + 1));
        var (distances, neighbours) = NearestNeighbours(features, k);
        var conditional = new double[n * k];
        var target = Math.Log(perplexity);
        Parallel.For(0, n, i => Bisect(distances.AsSpan(i * k, k), conditional.AsSpan(i * k, k), target));

        // Symmetrise: P_ij + P_ji over the union of both neighbour lists.
        var rows = new Dictionary<int, double>[n];
        for (var i = 0; i < n; i++)
        {
            rows[i] = new Dictionary<int, double>(2 * k);
        }
        for (var i = 0; i < n; i++)
        {
            for (var m = 0; m < k; m++)
            {
                var j = neighbours[i * k + m];
                var p = conditional[i * k + m];
                rows[i][j] = rows[i].GetValueOrDefault(j) + p;
                rows[j][i] = rows[j].GetValueOrDefault(i) + p;
            }
        }
        var total = rows.Sum(r => r.Values.Sum());
        var rowStart = new int[n + 1];
        for (var i = 0; i < n; i++)
        {
            rowStart[i + 1] = rowStart[i] + rows[i].Count;
        }
        var columns = new int[rowStart[n]];
        var values = new double[rowStart[n]];
        for (var i = 0; i < n; i++)
        {
            var e = rowStart[i];
            foreach (var (j, p) in rows[i].OrderBy(x => x.Key))
            {
                columns[e] = j;
                values[e++] = p / Math.Max(total, double.Epsilon);
            }
        }
        return new TsneAffinities(rowStart, columns, values);
    }

    // The k nearest other points of each row by squared Euclidean distance, in blocks of rows.
    private static (double[] Distances, int[] Indices) NearestNeighbours(Tensor features, int k)
    {
        using var scope = torch.NewDisposeScope();
        var x = features.to(ScalarType.Float64);
        var n = x.size(0);
        var norms = x.mul(x).sum(1);
        var distances = new double[n * k];
        var indices = new int[n * k];
        const long block = 1024;
        for (long start = 0; start < n; start += block)
        {
            using var inner = torch.NewDisposeScope();
            var rows = x.slice(0, start, Math.Min(n, start + block));
            var count = rows.size(0);
            // |a − b|² = |a|² + |b|² − 2a·b; the point itself (distance 0) is excluded by taking k + 1 and dropping it.
            var d2 = norms.slice(0, start, start + count).unsqueeze(1).add(norms.unsqueeze(0)).sub(rows.mm(x.t()).mul(2)).clamp(min: 0);
            d2 = d2.scatter(1, torch.arange(start, start + count, dtype: ScalarType.Int64).unsqueeze(1), double.PositiveInfinity);
            var (values, found) = d2.topk(k, 1, largest: false);
            values.contiguous().data<double>().CopyTo(distances.AsSpan((int)(start * k)));
            var ids = found.contiguous().data<long>();
            for (var m = 0; m < ids.Length; m++)
            {
                indices[start * k + m] = (int)ids[m];
            }
        }
        return (distances, indices);
    }

    // β so that the entropy (nats) of p_j ∝ exp(−β d_j) is log(perplexity); writes the normalised p.
    private static void Bisect(ReadOnlySpan<double> d, Span<double> p, double targetEntropy)
    {
        double beta = 1, low = double.NegativeInfinity, high = double.PositiveInfinity;
        for (var step = 0; step < SearchSteps; step++)
        {
            double sum = 0;
            for (var m = 0; m < d.Length; m++)
            {
                p[m] = Math.Exp(-d[m] * beta);
                sum += p[m];
            }
            sum = Math.Max(sum, 1e-8);
            double weighted = 0;
            for (var m = 0; m < d.Length; m++)
            {
                p[m] /= sum;
                weighted += d[m] * p[m];
            }
            var entropy = Math.Log(sum) + beta * weighted;
            var difference = entropy - targetEntropy;
            if (Math.Abs(difference) <= EntropyTolerance)
            {
                break;
            }
            if (difference > 0)
            {
                low = beta;
                beta = double.IsPositiveInfinity(high) ? beta * 2 : (beta + high) / 2;
            }
            else
            {
                high = beta;
                beta = double.IsNegativeInfinity(low) ? beta / 2 : (beta + low) / 2;
            }
        }
    }
}
