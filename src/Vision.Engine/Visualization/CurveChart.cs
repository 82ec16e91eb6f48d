namespace Vision.Engine.Visualization;

/// <summary>One training-curve chart before drawing: its file, texts and lines (<see cref="TrainingCurves.Charts"/>).</summary>
/// <param name="FileName">The PNG's file name, e.g. "loss.png".</param>
/// <param name="Title">The text above the plot.</param>
/// <param name="XLabel">The x-axis label ("epoch" or "iteration").</param>
/// <param name="YLabel">The y-axis label.</param>
/// <param name="Series">The lines, each with at least one point.</param>
public sealed record CurveChart(string FileName, string Title, string XLabel, string YLabel, IReadOnlyList<CurveSeries> Series);
