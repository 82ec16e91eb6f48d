using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Vision.Engine.Evaluation;

/// <summary>
/// The results of an evaluation run as files: <see cref="JsonFileName"/> (all values at full precision, for
/// scripts) and <see cref="MarkdownFileName"/> (tables for people: the metrics, precision/recall/F1 per class with
/// the class names, and the confusion matrix with ground-truth rows).
/// </summary>
public sealed class EvaluationReport
{
    /// <summary>The name of the JSON report written by <see cref="Save"/>.</summary>
    public const string JsonFileName = "evaluation.json";

    /// <summary>The name of the Markdown report written by <see cref="Save"/>.</summary>
    public const string MarkdownFileName = "evaluation.md";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        // A metric can be NaN (e.g. a diverged loss); JSON has no NaN, so it is written as the string "NaN".
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly long[,]? confusionMatrix;

    /// <summary>Creates a report from computed values.</summary>
    /// <param name="metrics">The scalar metrics, by name, in the order to list them.</param>
    /// <param name="classes">The class names by label; null names classes by their label ("0", "1", …).</param>
    /// <param name="perClass">Per-class metrics by label (<see cref="SingleLabelMetric.ComputePerClass"/>), or null.</param>
    /// <param name="confusionMatrix">Counts [ground truth, prediction] (<see cref="ConfusionMatrix.ComputeMatrix"/>), or null.</param>
    /// <exception cref="ArgumentException">The class counts of the names, the per-class list and the matrix disagree.</exception>
    public EvaluationReport(IReadOnlyDictionary<string, double> metrics, IReadOnlyList<string>? classes = null,
        IReadOnlyList<ClassMetrics>? perClass = null, long[,]? confusionMatrix = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (confusionMatrix is not null && confusionMatrix.GetLength(0) != confusionMatrix.GetLength(1))
        {
            throw new ArgumentException(
                $"The confusion matrix must be square, got {confusionMatrix.GetLength(0)}×{confusionMatrix.GetLength(1)}.", nameof(confusionMatrix));
        }
        var counts = new (string What, int? Count)[]
        {
            ("class names", classes?.Count), ("per-class metrics", perClass?.Count), ("confusion matrix classes", confusionMatrix?.GetLength(0)),
        }.Where(c => c.Count is not null).ToArray();
        if (counts.Select(c => c.Count).Distinct().Count() > 1)
        {
            throw new ArgumentException(
                $"The report's class counts disagree: {string.Join(", ", counts.Select(c => $"{c.Count} {c.What}"))}.", nameof(classes));
        }
        Metrics = metrics.ToDictionary();
        var classCount = counts.Length > 0 ? counts[0].Count!.Value : 0;
        Classes = classes?.ToArray() ?? Enumerable.Range(0, classCount).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();
        PerClass = perClass?.ToArray();
        this.confusionMatrix = (long[,]?)confusionMatrix?.Clone();
    }

    /// <summary>The scalar metrics, by name.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; }

    /// <summary>The class names by label (the labels themselves when no names were given).</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The per-class metrics by label, or null.</summary>
    public IReadOnlyList<ClassMetrics>? PerClass { get; }

    /// <summary>What was evaluated (checkpoint, config, weights, dataset, sample count), or null when not recorded.</summary>
    public EvaluationSource? Source { get; internal set; }

    /// <summary>A copy of the confusion matrix counts [ground truth, prediction], or null.</summary>
    public long[,]? ConfusionMatrix => (long[,]?)confusionMatrix?.Clone();

    /// <summary>
    /// Computes every evaluator and gathers the results: all scalar metrics, the per-class metrics of a
    /// <see cref="SingleLabelMetric"/> and the matrix of a <see cref="Evaluation.ConfusionMatrix"/> among them.
    /// </summary>
    /// <exception cref="ArgumentException">Two evaluators report a metric of the same name, or the class counts disagree.</exception>
    public static EvaluationReport FromEvaluators(IEnumerable<IEvaluator> evaluators, IReadOnlyList<string>? classes = null)
    {
        ArgumentNullException.ThrowIfNull(evaluators);
        var metrics = new Dictionary<string, double>();
        IReadOnlyList<ClassMetrics>? perClass = null;
        long[,]? matrix = null;
        foreach (var evaluator in evaluators)
        {
            foreach (var (name, value) in evaluator.Compute())
            {
                if (!metrics.TryAdd(name, value))
                {
                    throw new ArgumentException($"Two evaluators report the metric '{name}'.", nameof(evaluators));
                }
            }
            switch (evaluator)
            {
                case SingleLabelMetric single:
                    perClass = single.ComputePerClass();
                    break;
                case ConfusionMatrix confusion:
                    matrix = confusion.ComputeMatrix();
                    break;
            }
        }
        return new EvaluationReport(metrics, classes, perClass, matrix);
    }

    /// <summary>
    /// Writes <see cref="JsonFileName"/>, <see cref="MarkdownFileName"/> and the charts of
    /// <see cref="Visualization.EvaluationCharts"/> (confusion matrix, per-class bars) into <paramref name="folder"/>,
    /// creating it if needed.
    /// </summary>
    public void Save(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, JsonFileName), ToJson());
        File.WriteAllText(Path.Combine(folder, MarkdownFileName), ToMarkdown());
        Visualization.EvaluationCharts.Write(this, folder);
    }

    /// <summary>
    /// The report as JSON: <c>metrics</c> (name → value), <c>classes</c>, and where present <c>source</c> (checkpoint,
    /// config, weights, dataset, samples), <c>per_class</c>
    /// (objects with class, precision, recall, f1-score, support) and <c>confusion_matrix</c> (rows = ground truth).
    /// </summary>
    public string ToJson()
    {
        var metrics = new JsonObject();
        foreach (var (name, value) in Metrics)
        {
            metrics[name] = value;
        }
        var root = new JsonObject();
        if (Source is { } source)
        {
            root["source"] = new JsonObject
            {
                ["checkpoint"] = source.Checkpoint,
                ["config"] = source.Config,
                ["weights"] = source.Weights,
                ["dataset"] = source.Dataset,
                ["samples"] = source.Samples,
            };
        }
        root["metrics"] = metrics;
        root["classes"] = new JsonArray([.. Classes.Select(c => (JsonNode?)c)]);
        if (PerClass is not null)
        {
            root["per_class"] = new JsonArray([.. PerClass.Select((m, c) => (JsonNode?)new JsonObject
            {
                ["class"] = Classes[c],
                ["precision"] = m.Precision,
                ["recall"] = m.Recall,
                ["f1-score"] = m.F1Score,
                ["support"] = m.Support,
            })]);
        }
        if (confusionMatrix is not null)
        {
            root["confusion_matrix"] = new JsonArray([.. Enumerable.Range(0, Classes.Count).Select(row =>
                (JsonNode?)new JsonArray([.. Enumerable.Range(0, Classes.Count).Select(column => (JsonNode?)confusionMatrix[row, column])]))]);
        }
        return root.ToJsonString(JsonOptions);
    }

    /// <summary>The report as Markdown tables, numbers with two decimals (metrics are percentages, as MMPreTrain reports them).</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("# Evaluation report").AppendLine();
        if (Source is { } source)
        {
            text.AppendLine($"- Checkpoint: {source.Checkpoint ?? "none (the model's weights as they were)"}");
            text.AppendLine($"- Config: {source.Config ?? "none (built in code)"}");
            text.AppendLine($"- Weights: {source.Weights}");
            text.AppendLine($"- Dataset: {source.Dataset}, {source.Samples} samples").AppendLine();
        }
        text.AppendLine("| Metric | Value |").AppendLine("| --- | ---: |");
        foreach (var (name, value) in Metrics)
        {
            text.AppendLine($"| {Cell(name)} | {Number(value)} |");
        }
        if (PerClass is not null)
        {
            text.AppendLine().AppendLine("## Per class").AppendLine();
            text.AppendLine("| Class | Precision | Recall | F1-score | Support |").AppendLine("| --- | ---: | ---: | ---: | ---: |");
            for (var c = 0; c < PerClass.Count; c++)
            {
                var m = PerClass[c];
                text.AppendLine($"| {Cell(Classes[c])} | {Number(m.Precision)} | {Number(m.Recall)} | {Number(m.F1Score)} | {m.Support} |");
            }
            text.AppendLine($"| Macro average | {Number(PerClass.Average(m => m.Precision))} | {Number(PerClass.Average(m => m.Recall))} | " +
                $"{Number(PerClass.Average(m => m.F1Score))} | {PerClass.Sum(m => m.Support)} |");
        }
        if (confusionMatrix is not null)
        {
            text.AppendLine().AppendLine("## Confusion matrix").AppendLine();
            text.AppendLine("Rows are the ground truth, columns the predictions.").AppendLine();
            text.AppendLine($"| Ground truth \\ Prediction | {string.Join(" | ", Classes.Select(Cell))} |");
            text.AppendLine($"| --- |{string.Concat(Enumerable.Repeat(" ---: |", Classes.Count))}");
            for (var row = 0; row < Classes.Count; row++)
            {
                var cells = Enumerable.Range(0, Classes.Count).Select(column => confusionMatrix[row, column].ToString(CultureInfo.InvariantCulture));
                text.AppendLine($"| {Cell(Classes[row])} | {string.Join(" | ", cells)} |");
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// A metric value as reports and summaries print it: two decimals (metrics are percentages, as MMPreTrain
    /// reports them), so the console, <see cref="MarkdownFileName"/> and <c>FitResult</c> show the same numbers.
    /// </summary>
    public static string Number(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    // A '|' would end the table cell and a line break the row.
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
