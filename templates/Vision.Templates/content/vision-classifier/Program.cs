#if (UseConfig)
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
#endif
using Vision.Data.Datasets;
using Vision.Data.Transforms;
using Vision.Engine.Evaluation;
using Vision.Engine.Inference;
using Vision.Engine.Optim;
using Vision.Engine.Training;
using Vision.Models.Registry;

// dotnet run -- <folder with one sub-folder of images per class> [epochs]
var dataRoot = args.Length > 0 ? args[0] : "data";
const int ImageSize = 64;

// 20 % of each class's images are held out for validation (the same split every run).
using var data = ClassFolderData.Split(dataRoot, valFraction: 0.2,
    trainTransforms: [new RandomResizedCrop(ImageSize), new RandomFlip()],
    evalTransforms: [new Resize(ImageSize, ImageSize)],
    batchSize: 16, workers: 2, seed: 0);
using var model = ModelRegistry.Create("resnet18", num_classes: data.Classes.Count, img_size: ImageSize);

#if (UseConfig)
// Trainer options come from appsettings.json ("trainer": max_epochs, work_dir, checkpoint, ...); [epochs] overrides max_epochs.
var overrides = new Dictionary<string, string?>();
if (args.Length > 1)
{
    overrides["trainer:max_epochs"] = args[1];
}
var configuration = new ConfigurationBuilder()
    .SetBasePath(AppContext.BaseDirectory)
    .AddJsonFile("appsettings.json")
    .AddInMemoryCollection(overrides)
    .Build();
var services = new ServiceCollection()
    .AddVisionTrainer(configuration.GetSection("trainer"))
    .AddTrainingModel(model)
    .AddTrainingData(data.Train, data.Val)
    .AddOptimizer(m => new AdamW(m.parameters(), lr: 1e-3))
    .AddEvaluator(new Accuracy([1]));
using var provider = services.BuildServiceProvider();
var trainer = provider.GetRequiredService<Trainer>();
#else
var epochs = args.Length > 1 ? int.Parse(args[1]) : 10;
using var trainer = Trainer.Create(model, data.Train, data.Val)
    .WithOptimizer(m => new AdamW(m.parameters(), lr: 1e-3))
    .WithEvaluator(new Accuracy([1]))
    .WithOptions(o =>
    {
        o.MaxEpochs = epochs;
        o.DataPreprocessor.Mean = [123.675, 116.28, 103.53];   // ImageNet statistics on the 0-255 scale
        o.DataPreprocessor.Std = [58.395, 57.12, 57.375];
        o.Checkpoint.SaveBest = "accuracy/top1";            // keeps the best checkpoint beside the latest
        o.Checkpoint.MaxKeepCkpts = 1;
    })
    .WithWorkDir("work_dirs/MyApp")
    .Build();
#endif

var fit = trainer.Fit();
Console.WriteLine($"trained: {fit.Reason}, checkpoints in {fit.LatestCheckpoint}");
var report = trainer.Test(data.Val, data.Classes);
Console.WriteLine($"validation accuracy: {report.Metrics["accuracy/top1"]:F1} %");

// Classify one image with the trained model (same size and normalisation as in training).
var inferencer = new ImageClassificationInferencer(model, new() { ResizeScale = ImageSize, CropSize = ImageSize }, classes: data.Classes);
var image = Directory.EnumerateFiles(dataRoot, "*", SearchOption.AllDirectories).Order().First();
var prediction = inferencer.Infer(image)[0];
Console.WriteLine($"{image}: {prediction.PredClass} ({prediction.PredScore:P1})");
