// SamPredictor timing, the Vision side of benchmarks/pytorch/sam.py bench: SetImage (resize, normalise, pad, image
// encoder) of a random 768×1024 image and a single-point Predict (prompt encoder, mask decoder, upscaling to the
// image), each averaged over --repeats (Predict over 20× as many) after one warm-up, plus the process's peak resident
// memory (VmHWM). Prints one line: vision <model> threads=… set_image=… ms predict=… ms peak_rss=… MB. With
// --repeats 0 only the warm-up calls run and their times are printed (a memory check of the larger models).
//   dotnet benchmarks/Vision.SamBench/bin/Release/net10.0/Vision.SamBench.dll [--model sam_vit_b] [--threads 2] [--repeats 5]
using System.Diagnostics;
using System.Globalization;
using Vision;
using Vision.Engine.Segmentation;
using Vision.Models.Registry;
using Vision.Models.Segmentation.Sam;

var (model, threads, repeats) = ("sam_vit_b", 2, 5);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--model": model = args[i + 1]; break;
        case "--threads": threads = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--repeats": repeats = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        default: throw new ArgumentException($"unknown option {args[i]}");
    }
}
torch.set_num_threads(threads);
torch.manual_seed(0);
using var sam = (Sam)ModelRegistry.CreateModule(model);
using var predictor = new SamPredictor(sam);
using var image = torch.randint(0, 256, [768, 1024, 3], ScalarType.Byte);
var watch = Stopwatch.StartNew();
predictor.SetImage(image);
var firstSetImage = watch.Elapsed.TotalMilliseconds;
watch.Restart();
for (var i = 0; i < repeats; i++)
{
    predictor.SetImage(image);
}
var setImage = repeats > 0 ? watch.Elapsed.TotalMilliseconds / repeats : firstSetImage;
using var point = torch.tensor(new[] { 500f, 375f }, 1, 2);
using var label = torch.ones(1);
watch.Restart();
predictor.Predict(point, label).Dispose();
var firstPredict = watch.Elapsed.TotalMilliseconds;
watch.Restart();
for (var i = 0; i < 20 * repeats; i++)
{
    predictor.Predict(point, label).Dispose();
}
var predict = repeats > 0 ? watch.Elapsed.TotalMilliseconds / (20 * repeats) : firstPredict;
var peak = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"vision {model} threads={threads} set_image={setImage:F1} ms predict={predict:F2} ms peak_rss={long.Parse(peak, CultureInfo.InvariantCulture) / 1024} MB"));
