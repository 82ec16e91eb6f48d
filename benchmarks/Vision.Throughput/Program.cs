using System.Globalization;
using Vision;
using Vision.Data.Datasets;
using Vision.Data.Loading;
using Vision.Engine.Optim;
using Vision.Engine.Training;
using Vision.Models.Registry;
using Vision.Throughput;

// Training-step throughput of registered models through the Trainer users run (its data preprocessor, the
// ClassifierTrainStep, the OptimWrapper and the Engine's AdamW, hooks on) on random uint8 images held in memory, e.g.
//   dotnet run -c Release --project benchmarks/Vision.Throughput -- --models resnet18,resnet50 --sizes 64,224 --batch 32 --threads 2 --steps 10
// benchmarks/pytorch/train_step.py takes the same arguments and times the same step in PyTorch eager mode.
var settings = new Dictionary<string, string>
{
    ["models"] = "resnet18,resnet50", ["sizes"] = "64", ["batch"] = "32", ["threads"] = "1", ["steps"] = "10", ["warmup"] = "2", ["classes"] = "1000",
};
for (var i = 0; i + 1 < args.Length; i += 2)
{
    var key = args[i].TrimStart('-');
    if (!settings.ContainsKey(key))
    {
        Console.Error.WriteLine($"Unknown option {args[i]}; options: {string.Join(", ", settings.Keys.Select(k => "--" + k))}.");
        return 2;
    }
    settings[key] = args[i + 1];
}
int Int(string key) => int.Parse(settings[key], CultureInfo.InvariantCulture);
var (batch, threads, steps, warmup, classes) = (Int("batch"), Int("threads"), Int("steps"), Int("warmup"), Int("classes"));

torch.manual_seed(0);
Console.WriteLine($"Vision {torch.version}: batch {batch}, {threads} intra-op thread(s), {warmup} warm-up + {steps} timed steps through the Trainer");
Console.WriteLine("model,size,batch,threads,images_per_s,ms_per_step,cpu_ms_per_step");
var workDir = Directory.CreateTempSubdirectory("vision-throughput-").FullName;
try
{
    foreach (var name in settings["models"].Split(','))
    {
        foreach (var size in settings["sizes"].Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)))
        {
            using var model = ModelRegistry.Create(name, classes, size);
            using var images = torch.randint(0, 256, [batch * (warmup + steps), size, size, 3], dtype: ScalarType.Byte);
            using var labels = torch.randint(0, classes, [batch * (warmup + steps)]);
            using var data = new InMemoryDataset(images, labels);
            using var loader = new DataLoader(data, new DataLoaderOptions { BatchSize = batch });
            var timer = new StepTimer(warmup);
            using var trainer = Trainer.Create(model, loader)
                .WithOptimizer(m => new AdamW(m.parameters(), lr: 1e-3, weight_decay: 0.01))
                .WithHooks(timer)
                .WithWorkDir(workDir)
                .WithOptions(o =>
                {
                    o.MaxIters = warmup + steps;
                    o.NumThreads = threads;
                    o.ProgressBar = false;
                    o.LogInterval = warmup + steps;
                    o.Checkpoint.Interval = int.MaxValue;
                    o.Checkpoint.SaveLast = false;
                    o.DataPreprocessor.Mean = [123.675, 116.28, 103.53];
                    o.DataPreprocessor.Std = [58.395, 57.12, 57.375];
                })
                .Build();
            trainer.Fit();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name},{size},{batch},{threads},{batch * steps / timer.Seconds:F1},{1000 * timer.Seconds / steps:F0},{1000 * timer.CpuSeconds / steps:F0}"));
        }
    }
}
finally
{
    Directory.Delete(workDir, recursive: true);
}
return 0;
