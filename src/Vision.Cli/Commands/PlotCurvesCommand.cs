using System.CommandLine;
using Vision.Engine.Visualization;

namespace Vision.Cli.Commands;

/// <summary>
/// <c>vision plot-curves work_dir[,work_dir…]</c>: draws the loss, lr and validation-metric curves of one run, or of
/// several runs in the same charts to compare them (MMPreTrain's <c>analyze_logs.py plot_curve</c>), from each work
/// dir's <c>logs/scalars.csv</c>.
/// </summary>
public static class PlotCurvesCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var workDirs = new Argument<string>("work_dirs")
        {
            Description = "A run's work dir, or several separated by commas to compare them (each needs logs/scalars.csv).",
        };
        var axis = new Option<CurveAxis>("--x-axis") { Description = "What x counts: Epoch or Iteration.", DefaultValueFactory = _ => CurveAxis.Epoch };
        var output = new Option<string?>("--output", "-o")
        {
            Description = "The folder for the PNGs; default {work_dir}/curves for one run, ./curves_comparison for several.",
        };
        var command = new Command("plot-curves", "Draw the training curves (loss, lr, validation metrics) of one or more runs as PNG charts.")
        {
            workDirs, axis, output,
        };
        command.SetAction(result =>
        {
            var dirs = result.GetRequiredValue(workDirs).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (dirs.Length == 0)
            {
                throw new ArgumentException("plot-curves needs at least one work dir.");
            }
            var runs = dirs.Select(CurveRun.FromWorkDir).ToList();
            var folder = result.GetValue(output)
                ?? (dirs.Length == 1 ? Path.Combine(dirs[0], TrainingCurves.FolderName) : "curves_comparison");
            var written = TrainingCurves.Write(runs, folder, result.GetValue(axis));
            if (written.Count == 0)
            {
                throw new InvalidDataException($"The logs of {string.Join(", ", dirs)} hold no loss, lr or validation metric to draw.");
            }
            foreach (var path in written)
            {
                result.InvocationConfiguration.Output.WriteLine(Path.GetFullPath(path));
            }
            return 0;
        });
        return command;
    }
}
