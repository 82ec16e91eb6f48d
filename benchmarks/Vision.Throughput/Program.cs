using System.Diagnostics;
using System.Globalization;
using Vision;
using Vision.Engine.Optim;
using Vision.Models.Registry;

// Training-step throughput (forward + backward + the Engine's AdamW) of registered models on random data, e.g.
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

// libtorch starts with one intra-op thread here; set it explicitly, as the PyTorch script does.
torch.set_num_threads(threads);
torch.manual_seed(0);
Console.WriteLine($"Vision {torch.version}: batch {batch}, {threads} intra-op thread(s), {warmup} warm-up + {steps} timed steps");
Console.WriteLine("model,size,batch,threads,images_per_s,ms_per_step,cpu_ms_per_step");
foreach (var name in settings["models"].Split(','))
{
    foreach (var size in settings["sizes"].Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)))
    {
        using var model = ModelRegistry.Create(name, classes, size);
        model.train();
        using var optimizer = new AdamW(model.parameters(), lr: 1e-3, weight_decay: 0.01);
        using var images = torch.randn(batch, 3, size, size);
        using var labels = torch.randint(0, classes, [batch]);
        void Step()
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            model.loss(images, labels).backward();
            optimizer.step();
        }
        for (var i = 0; i < warmup; i++)
        {
            Step();
        }
        // Process CPU time as well as wall time: on a shared machine it is the steadier of the two.
        var process = Process.GetCurrentProcess();
        var cpuStart = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++)
        {
            Step();
        }
        var seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cpuSeconds = (process.TotalProcessorTime - cpuStart).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name},{size},{batch},{threads},{batch * steps / seconds:F1},{1000 * seconds / steps:F0},{1000 * cpuSeconds / steps:F0}"));
    }
}
return 0;
