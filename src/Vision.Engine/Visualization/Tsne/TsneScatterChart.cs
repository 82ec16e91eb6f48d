using ScottPlot;

namespace Vision.Engine.Visualization.Tsne;

/// <summary>A t-SNE embedding as a scatter plot, one colour per class, the class names in a legend beside the points.</summary>
public static class TsneScatterChart
{
    /// <summary>Draws <paramref name="embedding"/> (N × 2) coloured by <paramref name="labels"/> into a PNG at <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">The labels do not match the points or name a class outside <paramref name="classes"/>.</exception>
    public static void Save(double[,] embedding, IReadOnlyList<int> labels, IReadOnlyList<string> classes, string path, string title = "t-SNE of the features")
    {
        ArgumentNullException.ThrowIfNull(embedding);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classes);
        if (embedding.GetLength(1) != 2 || labels.Count != embedding.GetLength(0) || labels.Any(l => l < 0 || l >= classes.Count))
        {
            throw new ArgumentException(
                $"A t-SNE scatter needs N × 2 points with N labels in [0, {classes.Count}), got {embedding.GetLength(0)} × {embedding.GetLength(1)} and {labels.Count} labels.");
        }
        var plot = ChartRenderer.NewPlot(title, "t-SNE 1", "t-SNE 2");
        // Large sets get smaller markers so the clusters' shapes stay visible.
        var size = labels.Count > 5000 ? 2f : labels.Count > 1000 ? 3f : 5f;
        for (var c = 0; c < classes.Count; c++)
        {
            var members = Enumerable.Range(0, labels.Count).Where(i => labels[i] == c).ToArray();
            if (members.Length == 0)
            {
                continue;
            }
            var points = plot.Add.ScatterPoints(members.Select(i => embedding[i, 0]).ToArray(), members.Select(i => embedding[i, 1]).ToArray());
            points.LegendText = classes[c];
            points.MarkerSize = size;
            points.Color = plot.Add.Palette.GetColor(c);
        }
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, 900, 700);
    }
}
