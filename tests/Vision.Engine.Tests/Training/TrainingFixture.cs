using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spectre.Console;
using Vision.Data.Datasets;
using Vision.Data.Loading;
using Vision.Engine.Training;
using Vision.nn;

namespace Vision.Engine.Tests.Training;

/// <summary>
/// A temporary work folder, a quiet console, and tiny synthetic data and models for trainer tests. The "quadrant"
/// data are 4×4 grey images with one bright 2×2 quadrant (the label) on a dark, noisy background: separable, so a
/// small MLP learns them in a few epochs.
/// </summary>
internal sealed class TrainingFixture : IDisposable
{
    public TrainingFixture()
    {
        WorkDir = Path.Combine(Path.GetTempPath(), "vision-trainer-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(WorkDir);
    }

    public string WorkDir { get; }

    public StringWriter ConsoleText { get; } = new();

    public string CheckpointDir => Path.Combine(WorkDir, "checkpoints");

    public static InMemoryDataset Quadrants(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[count * 16];
        var labels = new long[count];
        for (var n = 0; n < count; n++)
        {
            var label = n % 4;
            labels[n] = label;
            for (var y = 0; y < 4; y++)
            {
                for (var x = 0; x < 4; x++)
                {
                    var quadrant = (y / 2) * 2 + x / 2;
                    var level = quadrant == label ? 190 : 60;
                    pixels[n * 16 + y * 4 + x] = (byte)(level + random.Next(-40, 41));
                }
            }
        }
        return new InMemoryDataset(torch.tensor<byte>(pixels, [count, 4, 4, 1]), torch.tensor<long>(labels, [count]));
    }

    public static DataLoader Loader(InMemoryDataset data, int batchSize, bool shuffle = false, int workers = 0, long seed = 3) =>
        new(data, new DataLoaderOptions { BatchSize = batchSize, Shuffle = shuffle, NumWorkers = workers, Seed = seed });

    /// <summary>Flatten → Linear(16, hidden) → ReLU → Dropout → Linear(hidden, classes), initialised from <paramref name="seed"/>.</summary>
    public static Sequential Mlp(ulong seed, double dropout = 0.0, int hidden = 16, int classes = 4)
    {
        torch.manual_seed(seed);
        return new Sequential(new Flatten(), new Linear(16, hidden), new ReLU(), new Dropout(dropout), new Linear(hidden, classes));
    }

    /// <summary>A linear classifier without normalisation layers, for exact gradient comparisons.</summary>
    public static Sequential Linear(ulong seed, int classes = 4)
    {
        torch.manual_seed(seed);
        return new Sequential(new Flatten(), new Linear(16, classes));
    }

    /// <summary>A builder writing into the work folder, with the console captured and normalisation to [-1, 1].</summary>
    public TrainerBuilder Builder(Module<Tensor, Tensor> model, DataLoader train, DataLoader? val = null) =>
        Trainer.Create(model, train, val)
            .WithWorkDir(WorkDir)
            .WithOptions(o =>
            {
                o.ProgressBar = false;
                o.DataPreprocessor.Mean = [127.5];
                o.DataPreprocessor.Std = [127.5];
            })
            .WithServices(s => s.Replace(ServiceDescriptor.Singleton(AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
                Out = new AnsiConsoleOutput(ConsoleText),
            }))));

    /// <summary>Every parameter and buffer of <paramref name="model"/> as host copies, by state dict key.</summary>
    public static Dictionary<string, float[]> Snapshot(Module model)
    {
        using var scope = torch.NewDisposeScope();
        return model.state_dict().ToDictionary(p => p.Key, p => p.Value.contiguous().data<float>());
    }

    public static void AssertBitwiseEqual(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual, string what)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, values) in expected)
        {
            var other = actual[key];
            for (var i = 0; i < values.Length; i++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(values[i]) == BitConverter.SingleToInt32Bits(other[i]),
                    $"{what}: {key}[{i}] is {other[i]:R}, expected {values[i]:R}");
            }
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(WorkDir))
        {
            Directory.Delete(WorkDir, recursive: true);
        }
    }
}
