namespace Vision.Engine.Evaluation;

/// <summary>Parses a rule name, or infers it from the metric's name as MMEngine's CheckpointHook does.</summary>
internal static class MetricRules
{
    // MMEngine's greater_keys (plus recall and f1, which the classification metrics report) and less_keys.
    private static readonly string[] GreaterKeys = ["acc", "top", "ar@", "auc", "precision", "recall", "f1", "map", "mdice", "miou", "macc", "aacc"];
    private static readonly string[] LessKeys = ["loss", "error"];

    /// <summary>The rule named <paramref name="rule"/> ("greater"/"less"), or the one the name of <paramref name="metric"/> implies.</summary>
    /// <exception cref="ArgumentException">The rule is unknown, or null and the metric name implies none.</exception>
    public static MetricRule Resolve(string? rule, string metric)
    {
        switch (rule)
        {
            case "greater":
                return MetricRule.Greater;
            case "less":
                return MetricRule.Less;
            case not null:
                throw new ArgumentException($"rule must be 'greater' or 'less', got '{rule}'.", nameof(rule));
        }
        var name = metric.ToLowerInvariant();
        if (LessKeys.Any(name.Contains))
        {
            return MetricRule.Less;
        }
        if (GreaterKeys.Any(name.Contains))
        {
            return MetricRule.Greater;
        }
        throw new ArgumentException($"Cannot infer whether a larger or smaller '{metric}' is better; set the rule to 'greater' or 'less'.", nameof(rule));
    }

    /// <summary>Whether <paramref name="value"/> beats <paramref name="best"/> by more than <paramref name="minDelta"/> (any finite value beats none).</summary>
    public static bool Improves(MetricRule rule, double value, double? best, double minDelta = 0) =>
        best is not { } b || (rule == MetricRule.Greater ? value - minDelta > b : value + minDelta < b);
}
