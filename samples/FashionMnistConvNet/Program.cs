// The demo: a small convnet written with Vision.Core alone, trained for one epoch on Fashion-MNIST
// (Debian's dataset-fashion-mnist), then evaluated on the 10,000 test images.
//   dotnet run -c Release --project samples/FashionMnistConvNet [-- --epochs N --batch-size B --data DIR]
using System.Diagnostics;
using Vision;
using Vision.Data.Datasets;
using Vision.nn;
using F = Vision.nn.functional;

var epochs = IntOption("--epochs", 1);
var batchSize = IntOption("--batch-size", 128);
var root = StringOption("--data", null) ?? FashionMnist.DefaultRoot;
const double LearningRate = 0.05, Momentum = 0.9, WeightDecay = 5e-4;
// Fashion-MNIST's pixel mean and std over the training set.
const double Mean = 0.2860, Std = 0.3530;

torch.set_num_threads(Environment.ProcessorCount);
torch.manual_seed(0);

using var train = FashionMnist.Load(train: true, root);
using var test = FashionMnist.Load(train: false, root);
Console.WriteLine($"Fashion-MNIST: {train.Count} training and {test.Count} test images from {root}; libtorch {torch.version}, {torch.get_num_threads()} threads");

using var model = new Sequential(
    new Conv2d(1, 32, 3, padding: 1, bias: false), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
    new Conv2d(32, 64, 3, padding: 1, bias: false), new BatchNorm2d(64), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(64 * 7 * 7, 128), new ReLU(), new Dropout(0.2), new Linear(128, 10));
var parameters = model.parameters().ToList();
Console.WriteLine($"Model: {parameters.Sum(p => p.numel()):N0} parameters");

// SGD with momentum and weight decay, torch.optim.SGD's update, on all parameters at once.
var momentumBuffers = parameters.Select(p => torch.zeros_like(p).DetachFromDisposeScope()).ToList();

var clock = Stopwatch.StartNew();
for (var epoch = 0; epoch < epochs; epoch++)
{
    model.train();
    double lossSum = 0;
    long steps = 0;
    using var order = torch.randperm(train.Count);
    foreach (var batchIndices in order.split(batchSize))
    {
        using var step = torch.NewDisposeScope();
        var images = Normalize(train.Images.index_select(0, batchIndices));
        var labels = train.Labels.index_select(0, batchIndices);
        var loss = F.cross_entropy(model.forward(images), labels);
        model.zero_grad();
        loss.backward();
        using (torch.no_grad())
        {
            var grads = parameters.Select(p => p.grad!).ToList();
            torch._foreach_add_(grads, parameters, WeightDecay);
            torch._foreach_mul_(momentumBuffers, Momentum);
            torch._foreach_add_(momentumBuffers, grads);
            torch._foreach_add_(parameters, momentumBuffers, -LearningRate);
        }
        lossSum += loss.item<double>();
        steps++;
        if (steps % 100 == 0)
        {
            Console.WriteLine($"epoch {epoch + 1} step {steps}: loss {lossSum / steps:F4} ({clock.Elapsed.TotalSeconds:F0} s)");
        }
    }
    Console.WriteLine($"epoch {epoch + 1}: mean training loss {lossSum / steps:F4}");
}
var trainSeconds = clock.Elapsed.TotalSeconds;

model.eval();
long correct = 0;
using (torch.inference_mode())
{
    using var all = torch.arange(test.Count);
    foreach (var batchIndices in all.split(1000))
    {
        using var step = torch.NewDisposeScope();
        var logits = model.forward(Normalize(test.Images.index_select(0, batchIndices)));
        correct += logits.argmax(1).eq(test.Labels.index_select(0, batchIndices)).sum().item<long>();
    }
}
foreach (var buffer in momentumBuffers)
{
    buffer.Dispose();
}
Console.WriteLine($"Test accuracy after {epochs} epoch(s): {100.0 * correct / test.Count:F2}% ({correct}/{test.Count}); training took {trainSeconds:F0} s");

// uint8 (N, 28, 28) → normalised float (N, 1, 28, 28).
static Tensor Normalize(Tensor images) => images.unsqueeze(1).to(ScalarType.Float32).div(255).sub(Mean).div(Std);

int IntOption(string name, int fallback) => StringOption(name, null) is { } v
    ? int.TryParse(v, out var n) && n > 0 ? n : throw new ArgumentException($"{name} must be a positive integer, got '{v}'.")
    : fallback;

string? StringOption(string name, string? fallback)
{
    var i = Array.IndexOf(args, name);
    return i < 0 ? fallback : i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{name} needs a value.");
}
