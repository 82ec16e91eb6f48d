using Vision.Engine.Logging;
using Vision.Engine.Visualization;

namespace Vision.Cli.Tests.Commands;

public sealed class PlotCurvesCommandTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("vision-plot-curves-");

    public void Dispose() => root.Delete(recursive: true);

    private string Run(string name, double finalLoss)
    {
        var workDir = Path.Combine(root.FullName, name);
        Directory.CreateDirectory(Path.Combine(workDir, "logs"));
        using var writer = new CsvScalarWriter();
        writer.Open(Path.Combine(workDir, "logs"));
        writer.Write(new ScalarRecord("train", 1, 10, [new("lr", 0.1), new("loss", 2.0)]));
        writer.Write(new ScalarRecord("val", 1, 10, [new("loss", 1.5), new("accuracy/top1", 50)]));
        writer.Write(new ScalarRecord("train", 2, 20, [new("lr", 0.01), new("loss", finalLoss)]));
        writer.Write(new ScalarRecord("val", 2, 20, [new("loss", 1.0), new("accuracy/top1", 70)]));
        return workDir;
    }

    [Fact]
    public void OneRunGetsItsChartsInItsCurvesFolder()
    {
        var a = Run("a", 0.5);
        var run = CliRun.Of("plot-curves", a).Succeeded();
        string[] files = ["loss.png", "lr.png", "accuracy.png"];
        Assert.Equal(files.Select(f => Path.Combine(a, TrainingCurves.FolderName, f)), run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.All(files, f => Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(a, "curves", f))[..4]));
    }

    [Fact]
    public void SeveralRunsAreComparedInOneFolder()
    {
        var output = Path.Combine(root.FullName, "compare");
        var run = CliRun.Of("plot-curves", $"{Run("a", 0.5)},{Run("b", 0.25)}", "--x-axis", "Iteration", "-o", output).Succeeded();
        Assert.Equal(3, run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.True(File.Exists(Path.Combine(output, "loss.png")));
    }

    [Fact]
    public void AFolderWithoutLogsIsAnErrorNamingIt()
    {
        var run = CliRun.Of("plot-curves", Path.Combine(root.FullName, "empty")).Failed();
        Assert.Contains("empty", run.Err);
        Assert.Contains("scalars.csv", run.Err);
    }
}
