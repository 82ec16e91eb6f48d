using System.Globalization;

namespace Vision.Engine.Evolve;

/// <summary>
/// A candidate's fitness: a weighted sum of its validation metrics (YOLOv5 weighs mAP@0.5 by 0.1 and mAP@0.5:0.95
/// by 0.9; for classification the default is top-1 accuracy alone). Written <c>accuracy/top1=0.9,accuracy/top5=0.1</c>;
/// a metric without <c>=weight</c> has weight 1, and a negative weight turns a loss into something to maximise.
/// </summary>
public sealed class FitnessFunction
{
    /// <summary>Creates the function from metric weights.</summary>
    /// <exception cref="ArgumentException">There are no weights, a name is empty or has a comma, or a weight is not finite.</exception>
    public FitnessFunction(IReadOnlyDictionary<string, double> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count == 0)
        {
            throw new ArgumentException("a fitness needs at least one metric, e.g. accuracy/top1=1.", nameof(weights));
        }
        if (weights.FirstOrDefault(w => string.IsNullOrWhiteSpace(w.Key) || w.Key.Contains(',', StringComparison.Ordinal) || !double.IsFinite(w.Value)) is { Key: not null } bad)
        {
            throw new ArgumentException($"fitness term '{bad.Key}={bad.Value}': the metric name must be non-empty without commas and the weight finite.", nameof(weights));
        }
        Weights = weights;
    }

    /// <summary>top-1 accuracy with weight 1.</summary>
    public static FitnessFunction Default { get; } = new(new Dictionary<string, double> { ["accuracy/top1"] = 1.0 });

    /// <summary>The metric names and their weights.</summary>
    public IReadOnlyDictionary<string, double> Weights { get; }

    /// <summary>Parses <c>metric[=weight],…</c>.</summary>
    /// <exception cref="FormatException">A weight is not a number or a metric repeats (the message quotes the term).</exception>
    public static FitnessFunction Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var term in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = term.LastIndexOf('=');
            var name = (equals < 0 ? term : term[..equals]).Trim();
            var weight = 1.0;
            if (equals >= 0 && !double.TryParse(term[(equals + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out weight))
            {
                throw new FormatException($"fitness '{text}': the weight in '{term}' is not a number (write metric=weight, e.g. accuracy/top1=0.9).");
            }
            if (!weights.TryAdd(name, weight))
            {
                throw new FormatException($"fitness '{text}': '{name}' appears twice.");
            }
        }
        try
        {
            return new FitnessFunction(weights);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"fitness '{text}': {e.Message}", e);
        }
    }

    /// <summary>The weighted sum of <paramref name="metrics"/>.</summary>
    /// <exception cref="KeyNotFoundException">A weighted metric was not reported (the message lists those that were).</exception>
    public double Evaluate(IReadOnlyDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var sum = 0.0;
        foreach (var (name, weight) in Weights)
        {
            if (!metrics.TryGetValue(name, out var value))
            {
                throw new KeyNotFoundException($"the fitness needs the validation metric '{name}', but validation reported: {string.Join(", ", metrics.Keys)}.");
            }
            sum += weight * value;
        }
        return sum;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Join(",", Weights.Select(w => $"{w.Key}={w.Value.ToString("R", CultureInfo.InvariantCulture)}"));
}
