namespace Vision.Engine.Visualization;

/// <summary>One line of a chart: a legend label and its (x, y) points in drawing order.</summary>
/// <param name="Label">The legend text, e.g. "train/loss" or "run-a: val/loss".</param>
/// <param name="Points">The points; non-finite values are left out.</param>
public sealed record CurveSeries(string Label, IReadOnlyList<(double X, double Y)> Points);
