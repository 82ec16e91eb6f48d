using Vision.Data;
using Vision.Engine.Checkpoints;
using Vision.Engine.Evaluation;
using Vision.Engine.Hooks;
using Vision.Engine.Logging;
using Vision.Engine.Optim;
using Vision.Engine.Tests.Training;
using Vision.Engine.Training;

namespace Vision.Engine.Tests.Checkpoints;

/// <summary>
/// A run interrupted anywhere around a validation (during it, after its metrics but before its checkpoint, during
/// the final one) and resumed reports exactly what an uninterrupted run reports: the same validation history (each
/// validation logged once), the same best checkpoint, the same final metrics and the same weights.
/// </summary>
[Collection(TrainerCollection.Name)]
public sealed class ResumeValidationTests : IDisposable
{
    private const int Epochs = 3;
    private readonly TrainingFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    private sealed record Outcome(FitResult Result, Dictionary<string, float[]> Weights, IReadOnlyList<ScalarRow> Validations, IReadOnlyList<string> Checkpoints);

    private Outcome Train(string workDir, string? resume = null, Hook? crash = null)
    {
        using var trainData = TrainingFixture.Quadrants(40, seed: 1);
        using var valData = TrainingFixture.Quadrants(16, seed: 2);
        using var train = TrainingFixture.Loader(trainData, 8, shuffle: true);
        using var val = TrainingFixture.Loader(valData, 8);
        using var model = TrainingFixture.Mlp(seed: resume is null ? 5UL : 99UL);
        var builder = fixture.Builder(model, train, val)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.05, momentum: 0.9))
            .WithEvaluator(new LossEvaluator())
            .WithOptions(o =>
            {
                o.WorkDir = workDir;
                o.MaxEpochs = Epochs;
                o.Seed = 17;
                o.Resume = resume;
                o.Checkpoint.SaveBest = "loss";
                o.Checkpoint.MaxKeepCkpts = 1;
            });
        if (crash is not null)
        {
            builder.WithHooks(crash);
        }
        using var trainer = builder.Build();
        var result = trainer.Fit();
        var validations = ScalarCsvReader.Read(Path.Combine(workDir, "logs", CsvScalarWriter.FileName)).Where(r => r.Mode == "val").ToList();
        return new Outcome(result, TrainingFixture.Snapshot(model), validations, new FileCheckpointStore(Path.Combine(workDir, "checkpoints")).List());
    }

    private void AssertSameRun(Outcome straight, Outcome resumed, string what)
    {
        TrainingFixture.AssertBitwiseEqual(straight.Weights, resumed.Weights, what);
        Assert.Equal(straight.Validations.Select(r => (r.Epoch, r.Iter, r.Name, r.Value)), resumed.Validations.Select(r => (r.Epoch, r.Iter, r.Name, r.Value)));
        Assert.Equal(straight.Result.Metrics, resumed.Result.Metrics);
        Assert.Equal(Path.GetFileName(straight.Result.BestCheckpoint), Path.GetFileName(resumed.Result.BestCheckpoint));
        Assert.Equal(straight.Checkpoints.Where(c => c.StartsWith("best_", StringComparison.Ordinal)),
            resumed.Checkpoints.Where(c => c.StartsWith("best_", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(2, "during")]
    [InlineData(2, "after-metrics")]
    [InlineData(Epochs, "during")]
    public void AnInterruptionAroundAValidationResumesToTheUninterruptedHistoryBestAndMetrics(int epoch, string when)
    {
        var straight = Train(Path.Combine(fixture.WorkDir, "straight"));
        Assert.Equal(Epochs, straight.Validations.Select(r => r.Epoch).Distinct().Count());
        Assert.NotNull(straight.Result.BestCheckpoint);

        var workDir = Path.Combine(fixture.WorkDir, $"crash-{epoch}-{when}");
        Assert.Throws<SimulatedCrashException>(() => Train(workDir, crash: new ValidationCrash(epoch, when)));
        // The checkpoint the crash left says its validation had not ended, so resuming validates first.
        var latest = FileCheckpointStore.ReadMeta(new FileCheckpointStore(Path.Combine(workDir, "checkpoints")).FindLatest()!);
        Assert.True(latest.ValidationPending, latest.Name);
        Assert.Equal(epoch, latest.Epoch);

        var resumed = Train(workDir, resume: "auto");
        AssertSameRun(straight, resumed, $"crash {when} validation {epoch} + resume");
    }

    [Fact]
    public void AnEpochCheckpointIsWrittenAfterItsValidationAndHoldsItsMetricsAndBest()
    {
        var run = Train(Path.Combine(fixture.WorkDir, "run"));
        var store = new FileCheckpointStore(Path.Combine(fixture.WorkDir, "run", "checkpoints"));
        var last = FileCheckpointStore.ReadMeta(Path.Combine(store.Root, $"epoch_{Epochs}"));
        Assert.False(last.ValidationPending);
        Assert.Equal(run.Validations.Where(r => r.Epoch == Epochs).ToDictionary(r => r.Name, r => r.Value), last.Metrics);
        Assert.Equal(Path.GetFileName(run.Result.BestCheckpoint), last.Hooks[nameof(CheckpointHook)]!["best_checkpoint"]!.GetValue<string>());
    }

    [Fact]
    public void ADamagedNewestCheckpointFallsBackToThePreviousOneAndRepeatedIterationsAreLoggedOnce()
    {
        var straight = Train(Path.Combine(fixture.WorkDir, "straight"));
        var workDir = Path.Combine(fixture.WorkDir, "damaged");
        Assert.Throws<SimulatedCrashException>(() => Train(workDir, crash: new ValidationCrash(Epochs, "during")));
        var store = new FileCheckpointStore(Path.Combine(workDir, "checkpoints"));
        var newest = store.FindLatest()!;
        // A crash during the write of the newest checkpoint's tensors: the file is cut short.
        var tensors = Path.Combine(newest, FileCheckpointStore.TensorsFile);
        File.WriteAllBytes(tensors, File.ReadAllBytes(tensors)[..100]);

        var resumed = Train(workDir, resume: "auto");
        Assert.Contains($"Cannot resume from '{newest}'", fixture.ConsoleText.ToString(), StringComparison.Ordinal);
        AssertSameRun(straight, resumed, "damaged newest checkpoint + resume from the one before");
        var trainRows = ScalarCsvReader.Read(Path.Combine(workDir, "logs", CsvScalarWriter.FileName)).Where(r => r.Mode == "train").ToList();
        Assert.Equal(trainRows.Count, trainRows.Select(r => (r.Iter, r.Name)).Distinct().Count());
    }

    /// <summary>Throws during the validation after <c>epoch</c> (at its first batch) or once its metrics are out, before the checkpoint hook saves.</summary>
    private sealed class ValidationCrash(int epoch, string when) : Hook(HookPriority.VeryHigh)
    {
        public override void BeforeValIter(Trainer trainer, int batchIndex, Batch batch)
        {
            if (when == "during" && trainer.Epoch == epoch && batchIndex == 1)
            {
                throw new SimulatedCrashException();
            }
        }

        public override void AfterValEpoch(Trainer trainer, IReadOnlyDictionary<string, double> metrics)
        {
            if (when == "after-metrics" && trainer.Epoch == epoch)
            {
                throw new SimulatedCrashException();
            }
        }
    }
}
