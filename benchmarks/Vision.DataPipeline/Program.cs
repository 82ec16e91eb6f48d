// Images per second of the ImageNet training pipeline: decode a ~500x375 JPEG → RandomResizedCrop 224 →
// horizontal flip → normalise → batches of 64, with 1 and 2 loader worker threads.
// benchmarks/pytorch/data_pipeline.py runs the same pipeline with torchvision on the same files.
//   dotnet run -c Release --project benchmarks/Vision.DataPipeline -- [--images DIR] [--count N] [--epochs E] [--stages]
// --stages also times each stage of the pipeline on one thread (ms per image), as data_pipeline.py --stages does.
using System.Diagnostics;
using Vision;
using Vision.Data;
using Vision.Data.Datasets;
using Vision.Data.Image;
using Vision.Data.Loading;
using Vision.Data.Transforms;

var dir = Option("--images") ?? Path.Combine(Path.GetTempPath(), "vision-pipeline-images");
var count = int.Parse(Option("--count") ?? "512");
var epochs = int.Parse(Option("--epochs") ?? "3");

// Every worker runs its own ATen calls; one intra-op thread each avoids oversubscription, as PyTorch's
// DataLoader sets torch.set_num_threads(1) in its worker processes.
torch.set_num_threads(1);
MakeImages(dir, count);
var dataset = new ImageFolder(dir);
ITransform[] transforms =
[
    new RandomResizedCrop(224),
    new RandomFlip(0.5),
    new Normalize([123.675, 116.28, 103.53], [58.395, 57.12, 57.375]),
];
if (args.Contains("--stages"))
{
    Stages(dataset, transforms);
}
Console.WriteLine($"{dataset.Count} JPEGs of 500x375 in {dir}; batch 64; {epochs} timed epochs after one warm-up epoch");
foreach (var workers in new[] { 1, 2 })
{
    using var loader = new DataLoader(dataset, new DataLoaderOptions
    {
        BatchSize = 64, Shuffle = true, NumWorkers = workers, PersistentWorkers = true, Seed = 0,
    }, transforms);
    Consume(loader, 0);
    var clock = Stopwatch.StartNew();
    long images = 0;
    for (var epoch = 1; epoch <= epochs; epoch++)
    {
        images += Consume(loader, epoch);
    }
    Console.WriteLine($"Vision, {workers} worker(s): {images / clock.Elapsed.TotalSeconds:F1} images/s");
}

static long Consume(DataLoader loader, int epoch)
{
    long n = 0;
    foreach (var batch in loader.Epoch(epoch))
    {
        n += batch.Count;
        batch.Dispose();
    }
    return n;
}

// Milliseconds per image of each stage over the whole set, one thread: where a worker's time goes.
static void Stages(ImageFolder dataset, ITransform[] transforms)
{
    var rng = new Random(0);
    var samples = new DataSample[dataset.Count];
    var clock = new Stopwatch();
    // Transforms change the samples in place, so only the decodes get a warm-up call.
    void Time(string stage, Action<int> body, bool warmUp = false)
    {
        if (warmUp)
        {
            body(0);
        }
        clock.Restart();
        for (var i = 0; i < samples.Length; i++)
        {
            body(i);
        }
        Console.WriteLine($"  {stage,-32} {clock.Elapsed.TotalMilliseconds / samples.Length,6:F3} ms/image");
    }
    Console.WriteLine("Stages (1 thread):");
    Time("read file", i => EncodedImage.Read(Path.Combine(dataset.Root, dataset.Samples[i].Path)).Dispose(), warmUp: true);
    var bytes = dataset.Samples.Select(s => File.ReadAllBytes(Path.Combine(dataset.Root, s.Path))).ToArray();
    Time("decode whole image", i => ImageIO.Decode(bytes[i]).Dispose(), warmUp: true);
    // ImageFolder hands over the JPEG's bytes; the first transform (RandomResizedCrop) decodes only its box.
    Time("read + " + transforms[0].GetType().Name, i => samples[i] = transforms[0].Apply(dataset.Get(i), rng));
    // A final Normalize runs inside the loader's collate, in one pass from the uint8 crops into the float batch.
    var normalize = transforms[^1] as Normalize;
    foreach (var transform in transforms.Skip(1).Take(transforms.Length - (normalize is null ? 1 : 2)))
    {
        Time(transform.GetType().Name, i =>
        {
            var before = samples[i].Image;
            samples[i] = transform.Apply(samples[i], rng);
            if (!ReferenceEquals(before, samples[i].Image))
            {
                before.Dispose();
            }
        });
    }
    Time(normalize is null ? "collate (per image)" : "Normalize + collate (per image)", i =>
    {
        if (i % 64 == 0 && i + 64 <= samples.Length)
        {
            Collate.Samples(samples[i..(i + 64)], pinMemory: false, normalize).Dispose();
        }
    });
}

// Deterministic synthetic photos: smooth colour gradients with noise, so JPEG sizes resemble real images.
static void MakeImages(string dir, int count)
{
    if (Directory.Exists(dir) && Directory.GetFiles(dir, "*.jpg", SearchOption.AllDirectories).Length == count)
    {
        return;
    }
    if (Directory.Exists(dir))
    {
        Directory.Delete(dir, recursive: true);
    }
    torch.manual_seed(0);
    for (var i = 0; i < count; i++)
    {
        using var scope = torch.NewDisposeScope();
        var classDir = Path.Combine(dir, $"class{i % 4}");
        Directory.CreateDirectory(classDir);
        var y = torch.linspace(0, 1, 375).view(375, 1, 1);
        var x = torch.linspace(0, 1, 500).view(1, 500, 1);
        var phase = torch.rand(1, 1, 3);
        var image = ((x * 3 + y * 2 + phase * 6).sin() * 100 + 128 + torch.randn(375, 500, 3) * 20).clamp(0, 255).to(ScalarType.Byte);
        ImageIO.Write(Path.Combine(classDir, $"{i:D5}.jpg"), image, quality: 90);
    }
}

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
