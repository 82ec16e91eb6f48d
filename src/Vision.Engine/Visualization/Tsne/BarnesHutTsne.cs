using System.Diagnostics;

namespace Vision.Engine.Visualization.Tsne;

/// <summary>
/// Barnes–Hut t-SNE (van der Maaten 2014) into two dimensions, with scikit-learn's defaults and schedule: perplexity 30,
/// θ = 0.5, PCA initialisation scaled to a standard deviation of 1e-4, learning rate max(N / 12 / 4, 50), 250 iterations
/// with early exaggeration 12 and momentum 0.5, then momentum 0.8 to 1000 iterations, gains (delta-bar-delta, +0.2 /
/// ×0.8, at least 0.01). Input similarities use the ⌊3·perplexity⌋ + 1 nearest neighbours (<see cref="TsneAffinities"/>).
/// <code>
/// var embedding = new BarnesHutTsne().FitTransform(features);   // (N, D) → N × 2
/// </code>
/// </summary>
public sealed class BarnesHutTsne
{
    /// <summary>The effective number of neighbours each point's Gaussian covers.</summary>
    public double Perplexity { get; init; } = 30;

    /// <summary>The Barnes–Hut accuracy: a cell whose side is below θ times its distance is taken as one point.</summary>
    public double Theta { get; init; } = 0.5;

    /// <summary>Gradient-descent iterations in all.</summary>
    public int MaxIterations { get; init; } = 1000;

    /// <summary>Iterations with exaggerated attraction at the start.</summary>
    public int ExaggerationIterations { get; init; } = 250;

    /// <summary>The factor P is multiplied by during <see cref="ExaggerationIterations"/>.</summary>
    public double EarlyExaggeration { get; init; } = 12;

    /// <summary>The step size; null is scikit-learn's "auto", max(N / <see cref="EarlyExaggeration"/> / 4, 50).</summary>
    public double? LearningRate { get; init; }

    /// <summary>The KL divergence of the result (Barnes–Hut estimate of Z), set by <see cref="FitTransform"/>.</summary>
    public double KullbackLeibler { get; private set; }

    /// <summary>How long the last <see cref="FitTransform"/> took.</summary>
    public TimeSpan Elapsed { get; private set; }

    /// <summary>Embeds the rows of <paramref name="features"/> (N, D) in two dimensions.</summary>
    /// <returns>The embedding, N rows of (x, y).</returns>
    /// <exception cref="ArgumentException">The features are not (N, D) with N above 3·perplexity + 1… at least 2 points, or not finite.</exception>
    public double[,] FitTransform(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() != 2 || features.size(0) < 2)
        {
            throw new ArgumentException($"t-SNE needs (N, D) features with N ≥ 2, got ({string.Join(", ", features.shape)}).", nameof(features));
        }
        if (Perplexity <= 0 || Theta < 0 || MaxIterations < 1)
        {
            throw new ArgumentException($"t-SNE options out of range: perplexity {Perplexity}, theta {Theta}, iterations {MaxIterations}.");
        }
        var clock = Stopwatch.StartNew();
        var n = (int)features.size(0);
        using (var scope = torch.NewDisposeScope())
        {
            if (!features.isfinite().all().item<bool>())
            {
                throw new ArgumentException("t-SNE features contain NaN or infinite values.", nameof(features));
            }
        }
        var p = TsneAffinities.Compute(features, Perplexity);
        var y = PcaInit(features);
        var rate = LearningRate ?? Math.Max(n / EarlyExaggeration / 4, 50);
        var update = new double[2 * n];
        var gains = Enumerable.Repeat(1.0, 2 * n).ToArray();
        var gradient = new double[2 * n];
        var tree = new QuadTree(n);
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            var exploring = iteration < ExaggerationIterations;
            Gradient(tree, p, y, n, exploring ? EarlyExaggeration : 1, gradient);
            var momentum = exploring ? 0.5 : 0.8;
            for (var c = 0; c < 2 * n; c++)
            {
                gains[c] = update[c] * gradient[c] < 0 ? gains[c] + 0.2 : Math.Max(gains[c] * 0.8, 0.01);
                update[c] = momentum * update[c] - rate * gains[c] * gradient[c];
                y[c] += update[c];
            }
        }
        KullbackLeibler = Divergence(tree, p, y, n);
        var result = new double[n, 2];
        for (var i = 0; i < n; i++)
        {
            result[i, 0] = y[2 * i];
            result[i, 1] = y[2 * i + 1];
        }
        Elapsed = clock.Elapsed;
        return result;
    }

    // ∂C/∂y_i up to t-SNE's constant 4 (folded into the learning rate, as scikit-learn does):
    // Σ_j p_ij q_ij (y_i − y_j) − Σ_j q_ij² (y_i − y_j) / Z, q_ij = 1 / (1 + |y_i − y_j|²).
    private void Gradient(QuadTree tree, TsneAffinities p, double[] y, int n, double exaggeration, double[] gradient)
    {
        tree.Build(y, n);
        var repulsion = new double[2 * n];
        var z = 0.0;
        var gate = new object();
        Parallel.For(0, n, () => 0.0, (i, _, local) =>
        {
            local += tree.Repulsion(i, Theta, out var fx, out var fy);
            repulsion[2 * i] = fx;
            repulsion[2 * i + 1] = fy;
            return local;
        }, local => { lock (gate) { z += local; } });
        Parallel.For(0, n, i =>
        {
            double ax = 0, ay = 0;
            for (var e = p.RowStart[i]; e < p.RowStart[i + 1]; e++)
            {
                var j = p.Columns[e];
                var dx = y[2 * i] - y[2 * j];
                var dy = y[2 * i + 1] - y[2 * j + 1];
                var w = exaggeration * p.Values[e] / (1 + dx * dx + dy * dy);
                ax += w * dx;
                ay += w * dy;
            }
            gradient[2 * i] = ax - repulsion[2 * i] / z;
            gradient[2 * i + 1] = ay - repulsion[2 * i + 1] / z;
        });
    }

    // KL(P ‖ Q) = Σ p_ij log(p_ij / q_ij) over P's entries, Z from the Barnes–Hut sums.
    private double Divergence(QuadTree tree, TsneAffinities p, double[] y, int n)
    {
        tree.Build(y, n);
        var z = Enumerable.Range(0, n).AsParallel().Sum(i => tree.Repulsion(i, Theta, out _, out _));
        double kl = 0;
        for (var i = 0; i < n; i++)
        {
            for (var e = p.RowStart[i]; e < p.RowStart[i + 1]; e++)
            {
                var j = p.Columns[e];
                var dx = y[2 * i] - y[2 * j];
                var dy = y[2 * i + 1] - y[2 * j + 1];
                var q = 1 / (1 + dx * dx + dy * dy) / z;
                kl += p.Values[e] * Math.Log(Math.Max(p.Values[e], 1e-12) / Math.Max(q, 1e-12));
            }
        }
        return kl;
    }

    // The first two principal components (power iteration on the covariance, deflated), scaled to std 1e-4 along x.
    private static double[] PcaInit(Tensor features)
    {
        using var scope = torch.NewDisposeScope();
        var x = features.to(ScalarType.Float64);
        x = x.sub(x.mean(0, keepdim: true));
        var covariance = x.t().mm(x);
        var components = new List<Tensor>();
        using var generator = new Generator(1);
        for (var c = 0; c < 2; c++)
        {
            var v = torch.randn([covariance.size(0), 1], ScalarType.Float64, generator: generator);
            for (var step = 0; step < 300; step++)
            {
                foreach (var previous in components)
                {
                    v = v.sub(previous.mul(previous.t().mm(v)));
                }
                v = covariance.mm(v);
                v = v.div(v.norm().add(1e-300));
            }
            components.Add(v);
        }
        var projected = x.mm(torch.cat(components, 1));
        var std = projected.select(1, 0).std().item<double>();
        projected = projected.div(Math.Max(std, 1e-12)).mul(1e-4);
        return projected.contiguous().data<double>().ToArray();
    }
}
