namespace Vision.Engine.Evaluation;

/// <summary>
/// The C×C confusion matrix (MMPreTrain's ConfusionMatrix): entry [i, j] counts the samples with label i predicted
/// as j, so rows are the ground truth and columns the predictions. The prediction is <c>argmax(logits)</c>, which
/// on ties takes the lowest index, as MMPreTrain's metric does (top-1 metrics use topk's order instead). Counts are
/// int64 over all batches.
/// </summary>
public sealed class ConfusionMatrix : IEvaluator
{
    private readonly int? configuredClasses;
    private int? numClasses;
    private long[,] counts = new long[0, 0];
    private long count;

    /// <summary>Creates the metric.</summary>
    /// <param name="numClasses">The number of classes, checked against every batch; null takes it from the first batch.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numClasses"/> is below 1.</exception>
    public ConfusionMatrix(int? numClasses = null)
    {
        if (numClasses is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(n, 1, nameof(numClasses));
        }
        configuredClasses = numClasses;
        this.numClasses = numClasses;
    }

    /// <inheritdoc/>
    public void Reset()
    {
        numClasses = configuredClasses;
        counts = new long[0, 0];
        count = 0;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The batch is not (N, C) logits with N int64 labels in [0, C), or C differs from earlier batches.</exception>
    public void Process(Tensor logits, Tensor targets)
    {
        var labels = EvaluationInput.Labels(nameof(ConfusionMatrix), logits, targets, ref numClasses);
        if (counts.GetLength(0) != numClasses)
        {
            counts = new long[numClasses!.Value, numClasses.Value];
        }
        using var scope = torch.NewDisposeScope();
        var predictions = logits.argmax(1).data<long>();
        for (var i = 0; i < labels.Length; i++)
        {
            counts[labels[i], predictions[i]]++;
        }
        count += labels.Length;
    }

    /// <summary>
    /// No scalar metrics: a C×C matrix is not a number to log or to pick a best checkpoint by. Read it with
    /// <see cref="ComputeMatrix"/>; <see cref="EvaluationReport"/> writes it.
    /// </summary>
    public IReadOnlyDictionary<string, double> Compute() => new Dictionary<string, double>();

    /// <summary>A copy of the counts: [ground truth, prediction].</summary>
    /// <exception cref="InvalidOperationException">No sample was processed since the last <see cref="Reset"/>.</exception>
    public long[,] ComputeMatrix()
    {
        EvaluationInput.RequireSamples(nameof(ConfusionMatrix), count);
        return (long[,])counts.Clone();
    }
}
