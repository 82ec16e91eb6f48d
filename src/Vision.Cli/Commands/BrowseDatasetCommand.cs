using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Vision.Engine.Training;
using Vision.Engine.Visualization.Gallery;

namespace Vision.Cli.Commands;

/// <summary>
/// <c>vision browse-dataset config [--phase train] [-n 16]</c>: a grid of images exactly as the model receives them
/// (MMPreTrain's <c>tools/visualization/browse_dataset.py</c>): the phase's pipeline, and for training the batch
/// augments (Mixup/CutMix) with the mixed labels as captions. Written to <c>{work_dir}/browse_{phase}.png</c>.
/// </summary>
public static class BrowseDatasetCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var shared = new ConfigArguments();
        var phase = new Option<string>("--phase") { Description = "train, val or test.", DefaultValueFactory = _ => "train" };
        var count = new Option<int>("-n") { Description = "How many images to show.", DefaultValueFactory = _ => 16 }.MustBePositive();
        var command = new Command("browse-dataset", "Draw images after the config's data pipeline (and batch augments), with their labels.");
        shared.AddTo(command);
        command.Options.Add(phase);
        command.Options.Add(count);
        command.SetAction(result =>
        {
            using var experiment = shared.Load(result);
            var name = result.GetRequiredValue(phase);
            var training = name == "train";
            var loader = name switch
            {
                "train" => experiment.TrainDataLoader,
                "val" => experiment.ValDataLoader,
                "test" => experiment.TestDataLoader,
                _ => throw new ArgumentException($"--phase must be train, val or test, got '{name}'."),
            } ?? throw new ArgumentException($"--phase {name}: the config has no {name}_dataloader.");
            using var trainer = experiment.CreateTrainer().Build();
            var preprocessor = trainer.Services.GetRequiredService<IDataPreprocessor>();
            var options = trainer.Options.DataPreprocessor;
            var classes = experiment.Classes;
            var tiles = new List<GalleryTile>();
            var random = new Random(0);
            foreach (var batch in loader.Epoch(0))
            {
                using (batch)
                {
                    using var scope = torch.NewDisposeScope();
                    var (inputs, targets) = preprocessor.Process(batch, training, random);
                    var images = Unnormalize(inputs.cpu(), options.Mean, options.Std);
                    for (var i = 0; i < batch.Count && tiles.Count < result.GetValue(count); i++)
                    {
                        tiles.Add(GalleryTile.FromChw(images[i], Caption(targets.cpu()[i], classes)));
                    }
                }
                if (tiles.Count >= result.GetValue(count))
                {
                    break;
                }
            }
            var path = Path.Combine(Path.GetFullPath(experiment.Options.WorkDir), $"browse_{name}.png");
            ImageGrid.Save(tiles, path, $"{name} pipeline of {Path.GetFileName(result.GetRequiredValue(shared.ConfigArgument))}: {tiles.Count} images", columns: 8);
            result.InvocationConfiguration.Output.WriteLine(path);
            return 0;
        });
        return command;
    }

    // Back to 0–255 bytes: x · std + mean, the inverse of the preprocessor's normalisation.
    private static Tensor Unnormalize(Tensor inputs, double[]? mean, double[]? std)
    {
        var x = inputs.to(ScalarType.Float32);
        if (mean is not null && std is not null)
        {
            var channels = x.size(1);
            var shape = new long[] { 1, channels, 1, 1 };
            x = x.mul(torch.tensor(Expand(std, channels), shape)).add(torch.tensor(Expand(mean, channels), shape));
        }
        return x.clamp(0, 255).round().to(ScalarType.Byte);
    }

    private static float[] Expand(double[] values, long channels) =>
        Enumerable.Range(0, (int)channels).Select(c => (float)values[values.Length == 1 ? 0 : c]).ToArray();

    // A hard label is its class; a mixed (soft) target lists its two largest parts, e.g. "0.62 Shirt + 0.38 Bag".
    private static IReadOnlyList<string> Caption(Tensor target, IReadOnlyList<string> classes)
    {
        string Name(long c) => c < classes.Count ? classes[(int)c] : c.ToString(CultureInfo.InvariantCulture);
        if (target.dim() == 0)
        {
            return [Name(target.item<long>())];
        }
        var (values, indices) = target.topk(Math.Min(2, target.size(0)));
        var weights = values.data<float>().ToArray();
        var labels = indices.data<long>().ToArray();
        return Enumerable.Range(0, labels.Length).Where(k => weights[k] > 0.005)
            .Select(k => $"{weights[k].ToString("0.00", CultureInfo.InvariantCulture)} {Name(labels[k])}").ToList();
    }
}
