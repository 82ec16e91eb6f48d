using SkiaSharp;
using Vision.Engine.Evaluation;
using Vision.Engine.Logging;
using Vision.Engine.Optim;
using Vision.Engine.Tests.Training;
using Vision.Engine.Visualization;

namespace Vision.Engine.Tests.Visualization;

public sealed class TrainingCurvesTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "vision-curves-tests", Guid.NewGuid().ToString("N"));

    public TrainingCurvesTests() => Directory.CreateDirectory(Path.Combine(directory, "logs"));

    public void Dispose() => Directory.Delete(directory, recursive: true);

    // Two epochs of four iterations, logged every two, with two parameter groups and a validation after each epoch.
    private void WriteRun(string workDir)
    {
        Directory.CreateDirectory(Path.Combine(workDir, "logs"));
        using var writer = new CsvScalarWriter();
        writer.Open(Path.Combine(workDir, "logs"));
        writer.Write(new ScalarRecord("train", 1, 2, [new("lr", 0.1), new("lr/group1", 0.01), new("loss", 2.0)]));
        writer.Write(new ScalarRecord("train", 1, 4, [new("lr", 0.1), new("lr/group1", 0.01), new("loss", 1.0)]));
        writer.Write(new ScalarRecord("val", 1, 4, [new("loss", 1.5), new("accuracy/top1", 40), new("accuracy/top5", 90), new("f1-score", 30)]));
        writer.Write(new ScalarRecord("train", 2, 6, [new("lr", 0.05), new("lr/group1", 0.005), new("loss", double.NaN)]));
        writer.Write(new ScalarRecord("train", 2, 8, [new("lr", 0.05), new("lr/group1", 0.005), new("loss", 0.5)]));
        writer.Write(new ScalarRecord("val", 2, 8, [new("loss", 1.25), new("accuracy/top1", 60), new("accuracy/top5", 100), new("f1-score", 55)]));
        writer.Write(new ScalarRecord("test", 2, 8, [new("a,\"quoted\" name", 3)]));
    }

    [Fact]
    public void TheCsvReadsBackEveryRowWithItsQuoting()
    {
        WriteRun(directory);
        var rows = ScalarCsvReader.Read(Path.Combine(directory, "logs", CsvScalarWriter.FileName));
        Assert.Equal(21, rows.Count);
        Assert.Equal(new ScalarRow("test", 2, 8, "a,\"quoted\" name", 3), rows[^1]);
    }

    [Fact]
    public void EpochPositionsAreFractionsOfEachEpochsIterations()
    {
        WriteRun(directory);
        var rows = CurveRun.FromWorkDir(directory).Rows;
        var x = TrainingCurves.EpochPosition(rows);
        var train = rows.Where(r => r.Mode == "train" && r.Name == "lr").Select(x);
        Assert.Equal([0.5, 1.0, 1.5, 2.0], train);
        Assert.Equal([1.0, 2.0], rows.Where(r => r.Mode == "val" && r.Name == "loss").Select(x));
    }

    [Fact]
    public void ChartsHoldEveryFiniteValueOfLossLrAndEachValidationMetricFamily()
    {
        WriteRun(directory);
        var charts = TrainingCurves.Charts([CurveRun.FromWorkDir(directory)], CurveAxis.Iteration);

        Assert.Equal(["loss.png", "lr.png", "accuracy.png", "f1-score.png"], charts.Select(c => c.FileName));
        var loss = charts[0];
        Assert.Equal(["train/loss", "val/loss"], loss.Series.Select(s => s.Label));
        // The NaN loss at iteration 6 cannot be drawn and is left out.
        Assert.Equal([(2.0, 2.0), (4.0, 1.0), (8.0, 0.5)], loss.Series[0].Points);
        Assert.Equal([(4.0, 1.5), (8.0, 1.25)], loss.Series[1].Points);
        Assert.Equal(["lr (group 0)", "lr (group 1)"], charts[1].Series.Select(s => s.Label));
        Assert.Equal([0.01, 0.01, 0.005, 0.005], charts[1].Series[1].Points.Select(p => p.Y));
        Assert.Equal(["val/accuracy/top1", "val/accuracy/top5"], charts[2].Series.Select(s => s.Label));
        Assert.Equal([(4.0, 40.0), (8.0, 60.0)], charts[2].Series[0].Points);
        Assert.Equal("iteration", charts[2].XLabel);
    }

    [Fact]
    public void ComparedRunsShareTheChartsWithTheirNamesInTheLegend()
    {
        var a = Path.Combine(directory, "run-a");
        var b = Path.Combine(directory, "run-b");
        WriteRun(a);
        WriteRun(b);
        var loss = TrainingCurves.Charts([CurveRun.FromWorkDir(a), CurveRun.FromWorkDir(b)], CurveAxis.Epoch)[0];
        Assert.Equal(["run-a: train/loss", "run-a: val/loss", "run-b: train/loss", "run-b: val/loss"], loss.Series.Select(s => s.Label));
        Assert.Equal("epoch", loss.XLabel);
    }

    [Fact]
    public void WriteDrawsEachChartAsAPngWithItsLines()
    {
        WriteRun(directory);
        var written = TrainingCurves.Write([CurveRun.FromWorkDir(directory)], Path.Combine(directory, "curves"), CurveAxis.Epoch);

        Assert.Equal(["loss.png", "lr.png", "accuracy.png", "f1-score.png"], written.Select(Path.GetFileName));
        foreach (var path in written)
        {
            using var png = Png.Load(path);
            Assert.Equal((800, 450), (png.Width, png.Height));
            // ScottPlot's first palette colour (Category10 blue) draws the first line and its markers.
            Assert.True(Png.CountNear(png, SKColor.Parse("#1f77b4")) > 100, $"{path} shows no first line");
        }
    }

    [Fact]
    public void AMissingLogAndAMalformedRowAreReportedWithTheirPlace()
    {
        var missing = Assert.Throws<FileNotFoundException>(() => CurveRun.FromWorkDir(Path.Combine(directory, "nowhere")));
        Assert.Contains("nowhere", missing.Message);
        var path = Path.Combine(directory, "logs", CsvScalarWriter.FileName);
        File.WriteAllLines(path, [CsvScalarWriter.Header, "train,1,2,loss,0.5", "train,1,x,loss,0.5"]);
        var error = Assert.Throws<InvalidDataException>(() => ScalarCsvReader.Read(path));
        Assert.Contains("line 3", error.Message);
    }

    [Fact]
    public void TheDefaultHookDrawsTheCurvesOfARunAfterEachValidation()
    {
        using var fixture = new TrainingFixture();
        using var data = TrainingFixture.Quadrants(32, seed: 1);
        using var model = TrainingFixture.Mlp(seed: 2);
        using var trainer = fixture.Builder(model, TrainingFixture.Loader(data, 8), TrainingFixture.Loader(data, 16))
            // Two parameter groups: the lr chart draws one line for each.
            .WithOptimizer(m => new SGD([new ParamGroup(m.parameters().Take(2)), new ParamGroup(m.parameters().Skip(2), lr: 0.01)], lr: 0.1))
            .WithEvaluator(new Accuracy())
            .WithOptions(o => { o.MaxEpochs = 2; o.LogInterval = 2; })
            .Build();
        trainer.Fit();

        var curves = Path.Combine(fixture.WorkDir, TrainingCurves.FolderName);
        Assert.Equal(["accuracy.png", "loss.png", "lr.png"], Directory.GetFiles(curves).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var loss = Png.Load(Path.Combine(curves, "loss.png"));
        Assert.True(Png.CountNear(loss, SKColor.Parse("#1f77b4")) > 100);
        var lr = TrainingCurves.Charts([CurveRun.FromWorkDir(fixture.WorkDir)], CurveAxis.Epoch).Single(c => c.FileName == "lr.png");
        Assert.Equal(["lr (group 0)", "lr (group 1)"], lr.Series.Select(s => s.Label));
        Assert.All(lr.Series[1].Points, p => Assert.Equal(0.01, p.Y));
    }
}
