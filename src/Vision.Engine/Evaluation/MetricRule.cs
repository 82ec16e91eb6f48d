namespace Vision.Engine.Evaluation;

/// <summary>Which direction of a metric is better, for best checkpoints and early stopping (MMEngine's <c>rule</c>).</summary>
public enum MetricRule
{
    /// <summary>Larger is better ("greater": accuracy, precision, F1, mAP).</summary>
    Greater,
    /// <summary>Smaller is better ("less": loss, error).</summary>
    Less,
}
