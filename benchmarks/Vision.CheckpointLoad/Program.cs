// Times TorchCheckpoint.Load on a torch.save file, the counterpart of pytorch/checkpoint_load.py's torch.load:
//   dotnet benchmarks/Vision.CheckpointLoad/bin/Release/net10.0/Vision.CheckpointLoad.dll --file vit_b_16.pth [--runs 5]
// Prints one CSV line per run: side, run, wall milliseconds, MB/s, process CPU milliseconds, and the growth of the process's anonymous memory
// (RssAnon) while the loaded tensors are alive, which is the copies of the data the loader keeps (the page cache the
// file is read from is not the process's). Run 0 gets fresh memory from the system; later runs may get memory the
// allocator kept from the run before, which saves its page faults.
using System.Diagnostics;
using System.Globalization;
using Vision;
using Vision.Serialization;

var file = Option("--file") ?? throw new ArgumentException("--file PATH is required (a torch.save checkpoint).");
var runs = int.Parse(Option("--runs") ?? "5", CultureInfo.InvariantCulture);
var megabytes = new FileInfo(file).Length / 1e6;
// Warm-up on a small file: libtorch is loaded and the loader's code compiled before anything is timed, as
// `import torch` has happened before the Python side times torch.load.
var warmUp = Path.Combine(Path.GetTempPath(), $"vision-warm-up-{Environment.ProcessId}.pth");
using (var scope = torch.NewDisposeScope())
{
    TorchCheckpoint.Save(new Dictionary<string, Tensor> { ["w"] = torch.ones(4, 4), ["b"] = torch.ones(4) }, warmUp);
    TorchCheckpoint.Load(warmUp);
}
File.Delete(warmUp);
for (var run = 0; run < runs; run++)
{
    var before = RssAnonMegabytes();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    using var scope = torch.NewDisposeScope();
    var tensors = TorchCheckpoint.Load(file);
    var ms = clock.Elapsed.TotalMilliseconds;
    var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
    var held = RssAnonMegabytes() - before;
    Console.WriteLine(FormattableString.Invariant($"vision,{run},{ms:F1},{megabytes / ms * 1000:F0},{cpuMs:F0},{held:F0},{tensors.Count}"));
}

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

static double RssAnonMegabytes() =>
    File.ReadLines("/proc/self/status").Where(l => l.StartsWith("RssAnon:", StringComparison.Ordinal))
        .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1000).Single();
