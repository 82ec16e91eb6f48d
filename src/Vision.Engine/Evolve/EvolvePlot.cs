using System.Globalization;
using ScottPlot;

namespace Vision.Engine.Evolve;

/// <summary>
/// The evolution's pictures, drawn with ScottPlot: YOLOv5's <c>plot_evolve</c> (one scatter per hyperparameter,
/// value against fitness, coloured by generation from dark violet (first) to yellow (last) on the viridis scale, the
/// best marked with a red cross and its value in the title) and fitness by generation with the best so far.
/// </summary>
public static class EvolvePlot
{
    private const int PanelWidth = 320;
    private const int PanelHeight = 280;

    /// <summary>Writes <c>evolve.png</c>: a grid with one panel per hyperparameter.</summary>
    public static void SaveScatter(string path, IReadOnlyList<EvolveRecord> records, SearchSpace space, EvolveRecord best)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(best);
        var count = space.Parameters.Count;
        var columns = (int)Math.Ceiling(Math.Sqrt(count));
        var rows = (count + columns - 1) / columns;
        var colormap = new ScottPlot.Colormaps.Viridis();
        var lastGeneration = Math.Max(1, records.Max(r => r.Generation));
        var multiplot = new Multiplot();
        multiplot.AddPlots(count);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(rows, columns);
        for (var k = 0; k < count; k++)
        {
            var plot = multiplot.GetPlot(k);
            foreach (var record in records.Where(r => double.IsFinite(r.Fitness)))
            {
                plot.Add.Marker(record.Values[k], record.Fitness, MarkerShape.FilledCircle, 7, colormap.GetColor(record.Generation / (double)lastGeneration));
            }
            if (double.IsFinite(best.Fitness))
            {
                plot.Add.Marker(best.Values[k], best.Fitness, MarkerShape.Cross, 18, Colors.Red);
            }
            plot.Title(string.Create(CultureInfo.InvariantCulture, $"{space.Parameters[k].Name} = {best.Values[k]:G3}"), size: 13);
            plot.XLabel(space.Parameters[k].Name, size: 11);
            if (space.Parameters[k].IsInteger)
            {
                plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
            }
            plot.YLabel("fitness", size: 11);
        }
        multiplot.SavePng(path, columns * PanelWidth, rows * PanelHeight);
    }

    /// <summary>Writes <c>evolve_fitness.png</c>: each generation's fitness and the best so far (diverged candidates, without fitness, are left out).</summary>
    public static void SaveFitness(string path, IReadOnlyList<EvolveRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var ordered = records.Where(r => double.IsFinite(r.Fitness)).OrderBy(r => r.Generation).ToList();
        double[] generations = [.. ordered.Select(r => (double)r.Generation)];
        double[] fitness = [.. ordered.Select(r => r.Fitness)];
        var bestSoFar = new double[fitness.Length];
        for (var i = 0; i < fitness.Length; i++)
        {
            bestSoFar[i] = i == 0 ? fitness[0] : Math.Max(bestSoFar[i - 1], fitness[i]);
        }
        var plot = new Plot();
        var points = plot.Add.ScatterPoints(generations, fitness);
        points.LegendText = "candidate";
        points.MarkerSize = 7;
        var line = plot.Add.ScatterLine(generations, bestSoFar);
        line.LegendText = "best so far";
        line.LineWidth = 2;
        line.ConnectStyle = ConnectStyle.StepHorizontal;
        var stopped = ordered.Where(r => r.StoppedEarly).ToList();
        if (stopped.Count > 0)
        {
            double[] stoppedGenerations = [.. stopped.Select(r => (double)r.Generation)];
            double[] stoppedFitness = [.. stopped.Select(r => r.Fitness)];
            var early = plot.Add.ScatterPoints(stoppedGenerations, stoppedFitness);
            early.LegendText = "stopped early";
            early.MarkerShape = MarkerShape.OpenSquare;
            early.MarkerSize = 11;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Title("Fitness by generation");
        plot.XLabel("generation");
        plot.YLabel("fitness");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 800, 500);
    }
}
