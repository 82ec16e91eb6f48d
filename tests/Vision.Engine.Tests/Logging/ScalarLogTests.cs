using System.Globalization;
using System.Text.Json;
using Vision.Engine.Evaluation;
using Vision.Engine.Logging;
using Vision.Engine.Optim;
using Vision.Engine.Tests.Training;

namespace Vision.Engine.Tests.Logging;

[Collection(TrainerCollection.Name)]
public sealed class ScalarLogTests : IDisposable
{
    private readonly TrainingFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    [Fact]
    public void TrainingWritesEveryScalarToJsonLinesCsvAndTheConsole()
    {
        using var trainData = TrainingFixture.Quadrants(20, seed: 1);
        using var valData = TrainingFixture.Quadrants(8, seed: 2);
        using var train = TrainingFixture.Loader(trainData, 4);
        using var val = TrainingFixture.Loader(valData, 4);
        using var model = TrainingFixture.Linear(seed: 3);
        var result = fixture.Builder(model, train, val)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.25))
            .WithEvaluator(new LossEvaluator())
            .WithOptions(o =>
            {
                o.MaxEpochs = 2;
                o.LogInterval = 2;
                o.ClipGrad.MaxNorm = 100;
            })
            .Fit();

        // 5 batches per epoch, logged every 2 and at the epoch's end: iterations 2, 4, 5, 7, 9, 10; validation after each epoch.
        var lines = File.ReadAllLines(Path.Combine(result.LogDir, JsonLinesScalarWriter.FileName));
        var records = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["train", "train", "train", "val", "train", "train", "train", "val"], records.Select(r => r.GetProperty("mode").GetString()));
        Assert.Equal([2, 4, 5, 5, 7, 9, 10, 10], records.Select(r => r.GetProperty("iter").GetInt64()));
        Assert.Equal([1, 1, 1, 1, 2, 2, 2, 2], records.Select(r => r.GetProperty("epoch").GetInt32()));
        var train0 = records[0];
        Assert.Equal(["mode", "epoch", "iter", "lr", "loss", "time", "data_time", "throughput", "grad_norm"], train0.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.25, train0.GetProperty("lr").GetDouble());
        Assert.Equal(["mode", "epoch", "iter", "loss"], records[3].EnumerateObject().Select(p => p.Name));
        Assert.Equal(result.Metrics["loss"], records[7].GetProperty("loss").GetDouble());

        // The CSV holds the same values, one per row.
        var csv = File.ReadAllLines(Path.Combine(result.LogDir, CsvScalarWriter.FileName));
        Assert.Equal(CsvScalarWriter.Header, csv[0]);
        var rows = csv.Skip(1).Select(l => l.Split(',')).ToList();
        var fromJson = records.SelectMany(r => r.EnumerateObject().Skip(3).Select(p =>
            $"{r.GetProperty("mode").GetString()},{r.GetProperty("epoch").GetInt32()},{r.GetProperty("iter").GetInt64()},{p.Name},{p.Value.GetDouble().ToString("R", CultureInfo.InvariantCulture)}"));
        Assert.Equal(fromJson, csv.Skip(1));
        Assert.Equal(6 * 6 + 2, rows.Count);

        var console = fixture.ConsoleText.ToString();
        Assert.Contains("Epoch(train) [1][2/5]  eta: ", console);
        Assert.Matches(@"Epoch\(train\) \[2\]\[5/5\]  eta: 0:00:00  lr: 2\.5000e-01  loss: \d\.\d{4}  time: \d\.\d{4}", console);
        Assert.Contains($"Epoch(val) [2]  loss: {result.Metrics["loss"].ToString("0.0000", CultureInfo.InvariantCulture)}", console);
        Assert.Single(Directory.GetFiles(result.LogDir, "events.out.tfevents.*"));
    }
}
