using System.Text.RegularExpressions;
using Vision.Engine.Logging;

namespace Vision.Engine.Tests.Logging;

public sealed class ScalarCurvesTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "vision-scalar-curves-tests", Guid.NewGuid().ToString("N"));

    public ScalarCurvesTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void PolylinePointsMapTheDataRangeOntoThePlotArea()
    {
        // 640 × 400 with margins left 64, right 24, top 40, bottom 48: x ∈ [0, 10] → [64, 616], y ∈ [0, 2] → [352, 40].
        var chart = new SvgLineChart("t", "x", "y");
        Assert.Equal((64, 616, 40, 352), (chart.PlotLeft, chart.PlotRight, chart.PlotTop, chart.PlotBottom));
        var svg = chart.Render(
        [
            new CurveSeries("a", [(0, 0), (5, 1), (10, 2)]),
            new CurveSeries("b", [(2.5, 0.5)]),
        ]);

        Assert.Equal(["64.00,352.00 340.00,196.00 616.00,40.00", "202.00,274.00"], SeriesPolylines(svg));
        Assert.Equal(4, Regex.Matches(svg, "<circle ").Count);
        Assert.Contains(">a</text>", svg);
        Assert.Contains(">b</text>", svg);
    }

    [Fact]
    public void ASingleValueSitsInTheMiddleOfAWidenedRange()
    {
        var svg = new SvgLineChart("t", "x", "y").Render([new CurveSeries("flat", [(3, 7), (3, 7)])]);
        // x and y ranges [2.5, 3.5] and [6.5, 7.5]: the value maps to the centre (340, 196).
        Assert.Equal(["340.00,196.00 340.00,196.00"], SeriesPolylines(svg));
    }

    [Fact]
    public void TrainingCurvesHoldEveryFiniteLoggedValue()
    {
        using (var writer = new CsvScalarWriter())
        {
            writer.Open(directory);
            writer.Write(new ScalarRecord("train", 1, 2, [new("lr", 0.1), new("loss", 2.0)]));
            writer.Write(new ScalarRecord("train", 1, 4, [new("lr", 0.1), new("loss", 1.0)]));
            writer.Write(new ScalarRecord("val", 1, 4, [new("loss", 1.5), new("accuracy/top1", 40), new("accuracy/top5", 90)]));
            writer.Write(new ScalarRecord("train", 2, 6, [new("lr", 0.1), new("loss", double.NaN)]));
            writer.Write(new ScalarRecord("val", 2, 6, [new("loss", 1.25), new("accuracy/top1", 60), new("accuracy/top5", 100)]));
            writer.Write(new ScalarRecord("test", 2, 6, [new("a,\"quoted\" name", 3)]));
        }

        var rows = ScalarCurves.ReadCsv(Path.Combine(directory, CsvScalarWriter.FileName));
        Assert.Equal(13, rows.Count);
        Assert.Equal(new ScalarRow("test", 2, 6, "a,\"quoted\" name", 3), rows[^1]);
        Assert.Equal([(2.0, 2.0), (4.0, 1.0)], ScalarCurves.Series(rows, "train", "loss").Points);

        var written = ScalarCurves.WriteTrainingCurves(directory, Path.Combine(directory, "curves"));
        Assert.Equal([ScalarCurves.LossChartFileName, ScalarCurves.AccuracyChartFileName], written.Select(Path.GetFileName));
        // Loss: x ∈ [2, 6] → [64, 616], y ∈ [1, 2] → [352, 40]; the NaN loss at iteration 6 is left out.
        Assert.Equal(["64.00,40.00 340.00,352.00", "340.00,196.00 616.00,274.00"], SeriesPolylines(File.ReadAllText(written[0])));
        // Accuracy: x ∈ [4, 6], y ∈ [40, 100].
        Assert.Equal(["64.00,352.00 616.00,248.00", "64.00,92.00 616.00,40.00"], SeriesPolylines(File.ReadAllText(written[1])));
    }

    [Fact]
    public void AMalformedRowIsReportedWithItsLine()
    {
        var path = Path.Combine(directory, CsvScalarWriter.FileName);
        File.WriteAllLines(path, [CsvScalarWriter.Header, "train,1,2,loss,0.5", "train,1,x,loss,0.5"]);
        var error = Assert.Throws<InvalidDataException>(() => ScalarCurves.ReadCsv(path));
        Assert.Contains("line 3", error.Message);
    }

    private static List<string> SeriesPolylines(string svg) =>
        Regex.Matches(svg, "<g class=\"series\"[^>]*>\\n<polyline points=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
}
