using System.Diagnostics;
using Vision.Data;
using Vision.Data.Datasets;
using Vision.Data.Loading;
using Vision.Data.Transforms;
using Vision.Engine.Evaluation;
using Vision.Engine.Optim;
using Vision.Engine.Schedulers;
using Vision.Engine.Training;
using Vision.nn;

namespace Vision.Samples.QuickStart;

/// <summary>
/// The quick-start recipe: a compact convnet trained on Fashion-MNIST with the <see cref="Trainer"/> (AdamW, linear
/// warm-up then cosine decay, horizontal flips), validated every epoch, checkpointed (the best kept), and tested with
/// a report of accuracy, per-class precision/recall/F1 and the confusion matrix. It is a class rather than inline
/// code in Program.cs so that a test can run the same recipe on a small slice of the data.
/// </summary>
public static class QuickStartRecipe
{
    /// <summary>The metric the best checkpoint is chosen by and the result reports.</summary>
    public const string AccuracyMetric = "accuracy/top1";

    private const double LearningRate = 3e-3;
    private const double WeightDecay = 0.05;
    // The warm-up takes this share of all optimizer steps; the cosine decay takes the rest.
    private const double WarmupShare = 0.1;

    // Fashion-MNIST's pixel mean and std over the training images, on the 0–255 scale the data preprocessor expects.
    private const double PixelMean = 72.94, PixelStd = 90.02;

    /// <summary>
    /// The network: three 3×3 conv–BN–ReLU blocks (32, 64, 128 channels) at 28, 14 and 7 pixels with max pooling
    /// between them, and a linear classifier on the whole 7×7 map (where a garment's parts are tells a shirt from a
    /// coat); about 156,000 parameters.
    /// </summary>
    public static Sequential CreateModel() => new(
        ConvBlock(1, 32), new MaxPool2d(2),
        ConvBlock(32, 64), new MaxPool2d(2),
        ConvBlock(64, 128),
        new Flatten(), new Linear(128 * 7 * 7, FashionMnist.Classes.Count));

    // No conv bias: the batch norm right after it has its own shift.
    private static Sequential ConvBlock(int inChannels, int outChannels) =>
        new(new Conv2d(inChannels, outChannels, 3, padding: 1, bias: false), new BatchNorm2d(outChannels), new ReLU());

    /// <summary>Trains, tests and writes the report; returns the test accuracy and where everything went.</summary>
    /// <exception cref="FileNotFoundException">The Fashion-MNIST files are not under <see cref="QuickStartOptions.DataRoot"/>.</exception>
    public static QuickStartResult Run(QuickStartOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        torch.set_num_threads(options.Threads);
        torch.manual_seed((ulong)options.Seed);

        using var fullTrainSet = FashionMnist.Load(train: true, options.DataRoot);
        using var fullTestSet = FashionMnist.Load(train: false, options.DataRoot);
        using var trainSubset = FirstImages(fullTrainSet, options.TrainLimit);
        using var testSubset = FirstImages(fullTestSet, options.TestLimit);
        IDataset trainSet = (IDataset?)trainSubset ?? fullTrainSet;
        IDataset testSet = (IDataset?)testSubset ?? fullTestSet;

        // One loader thread is enough for 28×28 images and leaves the cores to libtorch.
        using var trainLoader = new DataLoader(trainSet,
            new DataLoaderOptions { BatchSize = options.BatchSize, Shuffle = true, NumWorkers = 1, Seed = options.Seed },
            [new RandomFlip(probability: 0.5)]);
        // Fashion-MNIST has no validation split, so (as MMPreTrain's config does) validation runs on the test images;
        // the accuracy reported is the final model's, not the best-by-test checkpoint's.
        using var testLoader = new DataLoader(testSet, new DataLoaderOptions { BatchSize = options.BatchSize, NumWorkers = 1 });

        using var model = CreateModel();
        using var trainer = Trainer.Create(model, trainLoader, testLoader)
            .WithOptimizer(m => new AdamW(m.parameters(), lr: LearningRate, weight_decay: WeightDecay))
            .WithSchedule(
                c => new LinearLR(c.Optimizer, start_factor: 0.01, end: WarmupSteps(c), by_epoch: false),
                c => new CosineAnnealingLR(c.Optimizer, eta_min_ratio: 0.01, begin: WarmupSteps(c), end: TotalSteps(c), by_epoch: false))
            .WithEvaluator(new Accuracy(topk: [1]), new SingleLabelMetric(), new ConfusionMatrix())
            .WithOptions(o =>
            {
                o.MaxEpochs = options.Epochs;
                o.Seed = options.Seed;
                o.DataPreprocessor.Mean = [PixelMean];
                o.DataPreprocessor.Std = [PixelStd];
                o.Checkpoint.SaveBest = AccuracyMetric;
                o.Checkpoint.MaxKeepCkpts = 1;
            })
            .WithWorkDir(options.WorkDir)
            .Build();

        var clock = Stopwatch.StartNew();
        var fit = trainer.Fit();
        var trainingTime = clock.Elapsed;

        var report = trainer.Test(testLoader, FashionMnist.Classes);
        return new QuickStartResult(
            report.Metrics[AccuracyMetric],
            report,
            Path.Combine(trainer.TestReportDir, EvaluationReport.MarkdownFileName),
            fit.LatestCheckpoint,
            fit.BestCheckpoint,
            trainingTime);
    }

    private static long TotalSteps(SchedulerContext context) => context.MaxEpochs!.Value * context.StepsPerEpoch;

    // At least two steps: a one-step warm-up would leave the learning rate at its start factor.
    private static long WarmupSteps(SchedulerContext context) => Math.Max(2, (long)(WarmupShare * TotalSteps(context)));

    // A copy of the first `limit` images as their own dataset, or null to use them all.
    private static InMemoryDataset? FirstImages(FashionMnist data, int? limit)
    {
        if (limit is not { } count || count >= data.Count)
        {
            return null;
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count, nameof(limit));
        using var scope = torch.NewDisposeScope();
        return new InMemoryDataset(data.Images.narrow(0, 0, count).clone(), data.Labels.narrow(0, 0, count).clone(), FashionMnist.Classes);
    }
}
