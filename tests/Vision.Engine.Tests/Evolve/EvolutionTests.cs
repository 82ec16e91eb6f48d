using System.Text.Json.Nodes;
using Vision.Data;
using Vision.Engine.Configuration;
using Vision.Engine.Evolve;
using Vision.Engine.Hooks;
using Vision.Engine.Tests.Configuration;
using Vision.Engine.Tests.Training;
using Vision.Engine.Training;

namespace Vision.Engine.Tests.Evolve;

/// <summary>Whole evolutions of a small ResNet on 8×8 quadrant images (one-epoch candidates of four iterations).</summary>
[Collection(TrainerCollection.Name)]
public sealed class EvolutionTests : IDisposable
{
    private readonly ConfigFiles files = new();
    private readonly string config;

    public EvolutionTests()
    {
        QuadrantImages.Write(Path.Combine(files.Root, "data/train"), perClass: 16, seed: 1);
        QuadrantImages.Write(Path.Combine(files.Root, "data/val"), perClass: 8, seed: 2);
        config = files.Write("quadrants.json", $$"""
            {
              "model": { "type": "resnet18", "img_size": 8 },
              "train_dataloader": { "batch_size": 16, "shuffle": true, "seed": 3, "dataset": { "type": "ImageFolder", "root": "{{files.Root}}/data/train" } },
              "val_dataloader": { "batch_size": 32, "dataset": { "type": "ImageFolder", "root": "{{files.Root}}/data/val" } },
              "val_evaluator": [ { "type": "Accuracy", "topk": [1, 2] } ],
              "optim_wrapper": { "optimizer": { "type": "SGD", "lr": 0.02, "momentum": 0.9, "weight_decay": 0.0005 } },
              "trainer": { "max_epochs": 10, "seed": 7, "progress_bar": false, "log_interval": 100 },
              "evolve": { "fitness": "accuracy/top1=0.9,accuracy/top2=0.1" }
            }
            """);
    }

    public void Dispose() => files.Dispose();

    private EvolveOptions Options(string folder, int generations, bool resume = false, int epochs = 1, params string[] overrides) => new()
    {
        Generations = generations, Epochs = epochs, Seed = 42, WorkDir = Path.Combine(files.Root, folder), Resume = resume, Overrides = overrides,
    };

    private static string[] Rows(EvolveResult result) => File.ReadAllLines(result.CsvFile);

    [Fact]
    public void AnEvolutionTrainsEachGenerationWritesItsRowTheBestConfigAndThePlots()
    {
        var result = Evolution.Run(config, Options("run", generations: 4));

        Assert.Equal([0, 1, 2, 3], result.Records.Select(r => r.Generation));
        Assert.Equal(["lr", "momentum", "weight_decay"], result.Space.Names);
        Assert.Equal([0.02, 0.9, 0.0005], result.Records[0].Values);
        Assert.All(result.Records.Skip(1), r => Assert.NotEqual(result.Records[0].Values, r.Values));
        Assert.All(result.Records, r => Assert.Equal(0.9 * r.Metrics["accuracy/top1"] + 0.1 * r.Metrics["accuracy/top2"], r.Fitness, 12));
        Assert.All(result.Records, r => Assert.Equal((4L, 4L, false, 1), (r.Iters, r.BudgetIters, r.StoppedEarly, r.Curve.Count)));
        Assert.Equal(result.Records.Max(r => r.Fitness), result.Best.Fitness);
        Assert.Equal(0, result.ComputeSaved);

        // The best as train arguments (a response file) and as a full config with the values in place.
        var lines = File.ReadAllLines(result.BestOverridesFile);
        Assert.Equal(["--set", $"optim_wrapper:optimizer:lr={SearchSpace.Format(result.Best.Values[0])}"], lines[..2]);
        var best = Config.FromFile(result.BestConfigFile).ToJsonNode();
        Assert.Equal(result.Best.Values, result.Space.ValuesIn(best));
        Assert.Equal(10, best["trainer"]!["max_epochs"]!.GetValue<int>());

        // Candidates keep logs and config, not checkpoints.
        Assert.True(File.Exists(Path.Combine(files.Root, "run/gen_0002/config.json")));
        Assert.False(Directory.Exists(Path.Combine(files.Root, "run/gen_0002/checkpoints")));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(result.PlotFile)[..4]);
        Assert.True(new FileInfo(result.FitnessPlotFile).Length > 5000);

        // Run again without resume: refused, nothing changed.
        var e = Assert.Throws<IOException>(() => Evolution.Run(config, Options("run", generations: 5)));
        Assert.Contains("--resume", e.Message, StringComparison.Ordinal);
        Assert.Equal(5, Rows(result).Length);
    }

    [Fact]
    public void AnInterruptedAndResumedEvolutionEqualsAnUninterruptedOne()
    {
        var straight = Evolution.Run(config, Options("straight", generations: 4));

        // Two generations, then a run killed in the middle of generation 2's training, then a resume to four.
        Evolution.Run(config, Options("resumed", generations: 2));
        using var cancel = new CancellationTokenSource();
        var stopped = Evolution.Run(config, Options("resumed", generations: 4, resume: true),
            builder => builder.WithHooks(new CancelAfterIterations(cancel, iterations: 2)), cancel.Token);
        Assert.True(stopped.Interrupted);
        Assert.Equal(2, stopped.Records.Count);
        // A new process starts with a randomly seeded generator; the candidates must not depend on it.
        torch.manual_seed(12345);
        using (torch.rand(100)) { }
        var resumed = Evolution.Run(config, Options("resumed", generations: 4, resume: true));

        Assert.Equal(2, resumed.Trained);
        Assert.Equal(Rows(straight), Rows(resumed));
    }

    [Fact]
    public void MedianStoppingEndsCandidatesBelowTheMedianCurveAndReportsTheComputeSaved()
    {
        var result = Evolution.Run(config, Options("median", generations: 6, resume: false, epochs: 3,
            """evolve:early_stopping={ "type": "median", "min_trials": 1, "grace": 0 }"""));

        var stopped = result.Records.Where(r => r.StoppedEarly).ToList();
        Assert.NotEmpty(stopped);
        Assert.All(stopped, r => Assert.True(r.Iters < r.BudgetIters && r.Curve.Count < 3));
        Assert.All(result.Records.Where(r => !r.StoppedEarly), r => Assert.Equal((12L, 12L, 3), (r.Iters, r.BudgetIters, r.Curve.Count)));
        var expected = result.Records.Sum(r => (double)(r.BudgetIters - r.Iters)) / result.Records.Sum(r => (double)r.BudgetIters);
        Assert.True(expected > 0);
        Assert.Equal(expected, result.ComputeSaved, 12);
    }

    [Fact]
    public void RandomSearchDrawsEachGenerationWithinTheBounds()
    {
        var result = Evolution.Run(config, Options("random", generations: 3, resume: false, epochs: 1, "evolve:strategy=random", "evolve:space:lr=[1, 0.001, 0.05]"));
        Assert.All(result.Records.Skip(1), r => Assert.InRange(r.Values[0], 0.001, 0.05));
        Assert.All(result.Records.Skip(1), r => Assert.InRange(r.Values[1], 0.6, 0.98));
        Assert.Equal(3, result.Records.Select(r => r.Values[0]).Distinct().Count());
    }

    [Fact]
    public void ADivergedCandidateIsRecordedWithoutFitnessAndTheSearchGoesOn()
    {
        // lr 1e30 makes the loss infinite within a step or two; the trainer stops with NonFiniteLossException.
        var result = Evolution.Run(config, Options("diverged", generations: 2, resume: false, epochs: 1,
            "optim_wrapper:optimizer:lr=1e30", "evolve:space:lr=[1, 1e20, 1e30]", "evolve:keys=[\"lr\"]"));
        Assert.All(result.Records, r => Assert.True(double.IsNaN(r.Fitness) && r.Metrics.Count == 0 && r.Iters <= 4));
        Assert.Equal(0, result.Best.Generation);
        Assert.True(File.Exists(result.PlotFile));
        Assert.All(new EvolveLog(Path.Combine(files.Root, "diverged"), result.Space).Read(), r => Assert.True(double.IsNaN(r.Fitness)));
    }

    private sealed class CancelAfterIterations(CancellationTokenSource cancel, int iterations) : Hook
    {
        private int seen;

        public override void AfterTrainIter(Trainer trainer, int batchIndex, Batch batch, TrainStepOutput output)
        {
            if (++seen == iterations)
            {
                cancel.Cancel();
            }
        }
    }
}
