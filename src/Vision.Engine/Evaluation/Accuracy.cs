using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Vision.Engine.Evaluation;

/// <summary>
/// Top-k accuracy in percent (MMPreTrain's Accuracy without score thresholds): a sample counts as correct at k when
/// its label is among the k indices that <c>torch.topk(logits, k)</c> returns, so ties between equal logits are
/// broken in libtorch's topk order, as MMPreTrain does. Metrics are named <c>accuracy/top{k}</c>. Hits are counted
/// in int64 over all batches, so the result is exact whatever the batch size.
/// </summary>
/// <remarks>
/// MMPreTrain refuses a k larger than the number of classes; here such a k is clipped to the class count (every
/// label is then among the top k, so the accuracy is 100 %) with one warning per instance, so a small dataset
/// can keep the usual topk = [1, 5] and the metric keeps its name for logs and best-checkpoint rules.
/// </remarks>
public sealed class Accuracy : IEvaluator
{
    /// <summary>The prefix of the metric names.</summary>
    public const string Prefix = "accuracy";

    private readonly int[] topk;
    private readonly ILogger logger;
    private readonly long[] hitsAtRank;
    private long count;
    private int? numClasses;
    private bool warned;

    /// <summary>Creates the metric.</summary>
    /// <param name="topk">The k values to report, each at least 1 and listed once; default [1, 5].</param>
    /// <param name="logger">Receives the warning when a k is clipped to the class count; default none.</param>
    /// <exception cref="ArgumentException"><paramref name="topk"/> is empty, or holds a value below 1 or a repeated value.</exception>
    public Accuracy(IReadOnlyList<int>? topk = null, ILogger? logger = null)
    {
        int[] values = [.. topk ?? [1, 5]];
        if (values.Length == 0)
        {
            throw new ArgumentException("Accuracy: topk must list at least one k.", nameof(topk));
        }
        if (values.Where(k => k < 1).ToArray() is [_, ..] invalid)
        {
            throw new ArgumentException($"Accuracy: every k in topk must be at least 1, got {string.Join(", ", invalid)}.", nameof(topk));
        }
        if (values.GroupBy(k => k).FirstOrDefault(g => g.Count() > 1) is { } repeated)
        {
            throw new ArgumentException($"Accuracy: topk lists k = {repeated.Key} more than once.", nameof(topk));
        }
        this.topk = values;
        this.logger = logger ?? NullLogger.Instance;
        hitsAtRank = new long[values.Max()];
    }

    /// <summary>The k values reported, in order.</summary>
    public IReadOnlyList<int> Topk => topk;

    /// <inheritdoc/>
    public void Reset()
    {
        Array.Clear(hitsAtRank);
        count = 0;
        numClasses = null;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The batch is not (N, C) logits with N int64 labels in [0, C), or C differs from earlier batches.</exception>
    public void Process(Tensor logits, Tensor targets)
    {
        var labels = EvaluationInput.Labels(nameof(Accuracy), logits, targets, ref numClasses);
        var classes = numClasses!.Value;
        var maxk = Math.Min(hitsAtRank.Length, classes);
        if (maxk < hitsAtRank.Length && !warned)
        {
            warned = true;
            logger.LogWarning(
                "Accuracy: top-{Requested} accuracy asked for with only {Classes} classes; k is clipped to {Classes} (the accuracy is then 100%).",
                hitsAtRank.Length, classes, classes);
        }
        using var scope = torch.NewDisposeScope();
        var (_, indices) = logits.topk(maxk, dim: 1);
        // A label occurs at most once among a row's top-k indices, so hits summed over ranks < k count the samples correct at k.
        var hits = indices.eq(targets.to(indices.device).view(-1, 1)).sum(0, dtype: ScalarType.Int64).data<long>();
        for (var rank = 0; rank < maxk; rank++)
        {
            hitsAtRank[rank] += hits[rank];
        }
        count += labels.Length;
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">No sample was processed since the last <see cref="Reset"/>.</exception>
    public IReadOnlyDictionary<string, double> Compute()
    {
        EvaluationInput.RequireSamples(nameof(Accuracy), count);
        var metrics = new Dictionary<string, double>();
        foreach (var k in topk)
        {
            long correct = 0;
            for (var rank = 0; rank < k; rank++)
            {
                correct += hitsAtRank[rank];
            }
            metrics[$"{Prefix}/top{k}"] = 100.0 * correct / count;
        }
        return metrics;
    }
}
