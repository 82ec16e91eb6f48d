using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Vision.Engine.Checkpoints;
using Vision.Engine.Evaluation;
using Vision.Engine.Training;

namespace Vision.Engine.Hooks;

/// <summary>
/// Stops training when a validation metric stops improving (MMEngine's <c>EarlyStoppingHook</c>, priority LOWEST):
/// after each validation, a value better than the best so far by more than <c>minDelta</c> resets the count of
/// validations without improvement; when it reaches <c>patience</c> the hook asks the trainer to stop. The best value
/// and the count are saved in checkpoints, so a resumed run keeps counting.
/// </summary>
public sealed class EarlyStoppingHook : Hook
{
    private readonly string monitor;
    private readonly MetricRule rule;
    private readonly double minDelta;
    private readonly int patience;
    private readonly bool strict;
    private readonly bool checkFinite;
    private readonly double? stoppingThreshold;

    /// <summary>Creates the hook; the parameters are MMEngine's.</summary>
    /// <param name="monitor">The metric to watch, e.g. "accuracy/top1" or "loss".</param>
    /// <param name="rule">"greater" or "less"; null infers it from the metric's name.</param>
    /// <param name="minDelta">The smallest change that counts as an improvement (MMEngine's default 0.1).</param>
    /// <param name="patience">Validations without improvement before stopping.</param>
    /// <param name="strict">Throw when a validation does not report <paramref name="monitor"/> (else log a warning).</param>
    /// <param name="checkFinite">Stop at once when the metric is NaN or infinite.</param>
    /// <param name="stoppingThreshold">Stop as soon as the metric reaches this value (by the rule).</param>
    /// <exception cref="ArgumentException">A value is invalid or the rule cannot be inferred.</exception>
    public EarlyStoppingHook(string monitor, string? rule = null, double minDelta = 0.1, int patience = 5, bool strict = false,
        bool checkFinite = true, double? stoppingThreshold = null) : base(HookPriority.Lowest)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(monitor);
        ArgumentOutOfRangeException.ThrowIfNegative(minDelta);
        ArgumentOutOfRangeException.ThrowIfLessThan(patience, 1);
        this.monitor = monitor;
        this.rule = MetricRules.Resolve(rule, monitor);
        this.minDelta = minDelta;
        this.patience = patience;
        this.strict = strict;
        this.checkFinite = checkFinite;
        this.stoppingThreshold = stoppingThreshold;
    }

    /// <summary>The best value seen, or null before the first validation.</summary>
    public double? Best { get; private set; }

    /// <summary>Validations since the last improvement.</summary>
    public int Wait { get; private set; }

    /// <inheritdoc/>
    public override void AfterValEpoch(Trainer trainer, IReadOnlyDictionary<string, double> metrics)
    {
        if (!metrics.TryGetValue(monitor, out var value))
        {
            var message = $"EarlyStoppingHook: the validation metrics have no '{monitor}' (they have: {string.Join(", ", metrics.Keys)}).";
            if (strict)
            {
                throw new InvalidOperationException(message);
            }
            trainer.Logger.LogWarning("{Message}", message);
            return;
        }
        if (checkFinite && !double.IsFinite(value))
        {
            trainer.RequestStop($"early stopping: '{monitor}' is {value}");
            return;
        }
        if (stoppingThreshold is { } threshold && (rule == MetricRule.Greater ? value >= threshold : value <= threshold))
        {
            trainer.RequestStop($"early stopping: '{monitor}' reached the stopping threshold {Show(threshold)} ({Show(value)})");
            return;
        }
        if (MetricRules.Improves(rule, value, Best, minDelta))
        {
            Best = value;
            Wait = 0;
            return;
        }
        Wait++;
        if (Wait >= patience)
        {
            trainer.RequestStop($"early stopping: '{monitor}' did not improve by more than {Show(minDelta)} for {patience} validations (best {Show(Best!.Value)})");
        }
    }

    /// <inheritdoc/>
    public override void BeforeSaveCheckpoint(Trainer trainer, Checkpoint checkpoint) =>
        checkpoint.Meta.Hooks[nameof(EarlyStoppingHook)] = new JsonObject { ["best"] = Best, ["wait"] = Wait };

    /// <inheritdoc/>
    public override void AfterLoadCheckpoint(Trainer trainer, Checkpoint checkpoint)
    {
        if (checkpoint.Meta.Hooks.TryGetValue(nameof(EarlyStoppingHook), out var node) && node is JsonObject state)
        {
            Best = state["best"]?.GetValue<double>();
            Wait = state["wait"]?.GetValue<int>() ?? 0;
        }
    }

    private static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);
}
