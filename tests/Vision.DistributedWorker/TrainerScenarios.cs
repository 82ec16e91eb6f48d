using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vision;
using Vision.Data;
using Vision.Data.Datasets;
using Vision.Data.Loading;
using Vision.Engine.Configuration;
using Vision.Engine.Distributed;
using Vision.Engine.Evaluation;
using Vision.Engine.Hooks;
using Vision.Engine.Optim;
using Vision.Engine.Steps;
using Vision.Engine.Training;
using Vision.nn;
using Vision.nn.parallel;

namespace Vision.DistributedWorker;

/// <summary>
/// The Engine's Trainer started as a rank: it detects the torchrun environment itself (these scenarios run before the
/// worker joins any group). Rank 0 then repeats the run alone (launcher "none") with the same global batch, so the
/// test compares what N ranks and one process computed from the result of a single rank.
/// </summary>
internal static class TrainerScenarios
{
    private const int PerRankBatch = 4;

    public static bool Handles(string scenario) => scenario is "trainer" or "evaluate" or "train-until-killed" or "auto-scale-lr";

    // How long collectives wait for a peer (the test's VISION_DIST_TIMEOUT).
    private static TimeSpan timeout;

    public static int Run(string scenario, string[] args, TimeSpan collectiveTimeout, Dictionary<string, object> result)
    {
        timeout = collectiveTimeout;
        var workDir = args[0];
        switch (scenario)
        {
            case "trainer":
                return RunTrainer(workDir, accumulate: int.Parse(args[1], CultureInfo.InvariantCulture), result);
            case "evaluate":
                return RunEvaluation(workDir, result);
            case "auto-scale-lr":
                return RunAutoScaleLr(workDir, result);
            default:
                return RunUntilKilled(workDir, result);
        }
    }

    // 2 epochs on N ranks × batch 4 with SyncBatchNorm and validation, then on rank 0: the same run alone with batch
    // 4·N, and the N-rank run's last checkpoint resumed alone for a third epoch against 3 epochs alone.
    private static int RunTrainer(string workDir, int accumulate, Dictionary<string, object> result)
    {
        using var data = Data(48, seed: 11);
        using var valData = Data(21, seed: 12);
        var syncFlags = new List<bool>();
        using var model = Net();
        FitResult fit;
        int worldSize, rank;
        using (var train = Loader(data, PerRankBatch, shuffle: true))
        using (var val = Loader(valData, 5, shuffle: false))
        using (var trainer = Builder(model, train, val, Path.Combine(workDir, "ddp"), accumulate, epochs: 2, new DistributedOptions { SyncBatchNorm = true, Timeout = timeout })
            .WithTrainStep(new RecordingStep(syncFlags)).Build())
        {
            (worldSize, rank) = (trainer.Distributed.WorldSize, trainer.Distributed.Rank);
            result["rank"] = rank;
            result["world_size"] = worldSize;
            result["data_parallel"] = trainer.TrainingModel is DistributedDataParallel;
            result["epoch_length"] = trainer.EpochLength;
            fit = trainer.Fit();
        }
        result["sync_flags"] = syncFlags;
        result["ddp_metrics"] = fit.Metrics;
        if (rank != 0)
        {
            return 0;
        }
        var single = new DistributedOptions { Launcher = DistributedOptions.None };
        using (var reference = Net())
        using (var train = Loader(data, PerRankBatch * worldSize, shuffle: true))
        using (var val = Loader(valData, 5, shuffle: false))
        {
            var alone = Builder(reference, train, val, Path.Combine(workDir, "single"), accumulate, epochs: 2, single).Fit();
            result["single_metrics"] = alone.Metrics;
            result["weights_max_diff"] = MaxDiff(model, reference);
        }
        using (var resumed = Net())
        using (var straight = Net())
        using (var train = Loader(data, PerRankBatch * worldSize, shuffle: true))
        {
            var builder = Builder(resumed, train, null, Path.Combine(workDir, "resumed"), accumulate, epochs: 3, single);
            builder.WithOptions(o => o.Resume = fit.LatestCheckpoint);
            var continued = builder.Fit();
            Builder(straight, train, null, Path.Combine(workDir, "straight"), accumulate, epochs: 3, single).Fit();
            result["resumed_epochs"] = continued.Epoch;
            result["resume_max_diff"] = MaxDiff(resumed, straight);
        }
        return 0;
    }

    // A fixed linear model on the Fashion-MNIST test split (10,000 images), evaluated on N ranks and then alone on rank 0.
    private static int RunEvaluation(string workDir, Dictionary<string, object> result)
    {
        using var data = FashionMnist.Load(train: false);
        Dictionary<string, object> Evaluate(DistributedOptions distributed)
        {
            torch.manual_seed(3);
            using var model = new Sequential(new Flatten(), new Linear(28 * 28, 10));
            using var loader = Loader(data, 256, shuffle: false);
            var confusion = new ConfusionMatrix(10);
            using var trainer = Trainer.CreateForEvaluation(model)
                .WithEvaluator(new Accuracy([1, 5]), new SingleLabelMetric(), new LossEvaluator(), confusion)
                .WithDistributed(distributed)
                .WithOptions(o => Quiet(o, workDir))
                .Build();
            var report = trainer.Test(loader);
            result["world_size"] = trainer.Distributed.WorldSize;
            result["rank"] = trainer.Distributed.Rank;
            return new Dictionary<string, object> { ["metrics"] = report.Metrics, ["samples"] = confusion.ComputeMatrix().Cast<long>().Sum() };
        }
        result["distributed"] = Evaluate(new DistributedOptions { Launcher = DistributedOptions.PyTorch, Timeout = timeout });
        if ((int)result["rank"] == 0)
        {
            result["single"] = Evaluate(new DistributedOptions { Launcher = DistributedOptions.None });
        }
        return 0;
    }

    // A config run with auto_scale_lr: the optimizer's lr must follow the global batch (batch_size × ranks).
    private static int RunAutoScaleLr(string workDir, Dictionary<string, object> result)
    {
        var config = Config.FromJson(JsonNode.Parse($$"""
            {
              "model": { "type": "resnet18", "img_size": 28, "overrides": { "in_channels": 1 } },
              "train_dataloader": { "batch_size": 32, "dataset": { "type": "FashionMnist", "train": false } },
              "optim_wrapper": { "optimizer": { "type": "SGD", "lr": 0.1 } },
              "auto_scale_lr": { "base_batch_size": 256 },
              "env_cfg": { "dist_cfg": { "timeout": {{timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}} } },
              "trainer": { "max_epochs": 1, "num_threads": 1, "work_dir": {{JsonSerializer.Serialize(workDir)}} }
            }
            """)!.AsObject());
        using var experiment = Experiment.FromConfig(config);
        using var trainer = experiment.CreateTrainer().Build();
        result["rank"] = trainer.Distributed.Rank;
        result["world_size"] = trainer.Distributed.WorldSize;
        result["lr"] = trainer.Optimizer.param_groups[0].lr;
        return 0;
    }

    // Trains until a peer is killed: the failure of the next collective must end this rank with an error.
    private static int RunUntilKilled(string workDir, Dictionary<string, object> result)
    {
        using var data = Data(64, seed: 11);
        using var model = Net();
        using var train = Loader(data, PerRankBatch, shuffle: true);
        var start = DateTime.UtcNow;
        try
        {
            Builder(model, train, null, workDir, accumulate: 1, epochs: 100000, new DistributedOptions { Timeout = timeout })
                .AddHook(new ReadyHook())
                .Fit();
            result["error"] = "";
        }
        catch (Exception e)
        {
            result["error"] = $"{e.GetType().Name}: {e.Message}";
            result["seconds"] = (DateTime.UtcNow - start).TotalSeconds;
            return 1;
        }
        return 0;
    }

    private static TrainerBuilder Builder(Module<Tensor, Tensor> model, DataLoader train, DataLoader? val, string workDir, int accumulate, int epochs, DistributedOptions distributed)
    {
        var builder = Trainer.Create(model, train, val)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.05, momentum: 0.9))
            .WithDistributed(distributed)
            .WithOptions(o =>
            {
                Quiet(o, workDir);
                o.MaxEpochs = epochs;
                o.AccumulateGradBatches = accumulate;
                o.Seed = 0;
            });
        return val is null ? builder : builder.WithEvaluator(new Accuracy(), new LossEvaluator());
    }

    private static void Quiet(TrainerOptions o, string workDir)
    {
        o.WorkDir = workDir;
        o.NumThreads = 1;
        o.ProgressBar = false;
        o.LogInterval = 1000;
        o.DataPreprocessor.Mean = [127.5];
        o.DataPreprocessor.Std = [64.0];
    }

    private static InMemoryDataset Data(int count, int seed)
    {
        torch.manual_seed((ulong)seed);
        return new InMemoryDataset(torch.randint(0, 256, [count, 8, 8], dtype: ScalarType.Byte), torch.randint(0, 3, [count]));
    }

    private static DataLoader Loader(IDataset data, int batch, bool shuffle) =>
        new(data, new DataLoaderOptions { BatchSize = batch, Shuffle = shuffle, Seed = 5 });

    // Seeded, so every run starts from the same weights; BatchNorm2d becomes SyncBatchNorm on several ranks.
    private static Sequential Net()
    {
        torch.manual_seed(21);
        return new Sequential(new Conv2d(1, 4, 3), new BatchNorm2d(4), new ReLU(), new Flatten(), new Linear(4 * 6 * 6, 3));
    }

    private static double MaxDiff(Module a, Module b) =>
        a.state_dict().Zip(b.state_dict()).Max(p => (p.First.Value.to(ScalarType.Float64) - p.Second.Value.to(ScalarType.Float64)).abs().max().item<double>());

    // Records, per batch, whether DistributedDataParallel would all-reduce this batch's gradients.
    private sealed class RecordingStep(List<bool> flags) : ITrainStep
    {
        private readonly ClassifierTrainStep inner = new();

        public TrainStepOutput Run(Batch batch, TrainStepContext context)
        {
            flags.Add(context.Model is DistributedDataParallel ddp && ddp.require_backward_grad_sync);
            return inner.Run(batch, context);
        }
    }

    private sealed class ReadyHook() : Hook(HookPriority.Lowest)
    {
        public override void AfterTrainIter(Trainer trainer, int batchIndex, Batch batch, TrainStepOutput output)
        {
            // A file per rank, so the test knows every rank is inside the training loop before it kills one.
            if (trainer.Iter == 1)
            {
                Directory.CreateDirectory(trainer.WorkDir);
                File.WriteAllText(Path.Combine(trainer.WorkDir, $"ready-{trainer.Distributed.Rank}"), "");
            }
        }
    }
}
