using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Vision.Engine.Configuration;
using Vision.Engine.Training;

namespace Vision.Engine.Visualization.Gallery;

/// <summary>
/// The images of a configured phase exactly as the model receives them (MMPreTrain's
/// <c>tools/visualization/browse_dataset.py</c>): the phase's pipeline, the data preprocessor and, for training, the
/// batch augment (Mixup/CutMix), turned back into 0–255 pixels, each with its label or mixed label as caption.
/// </summary>
public static class DatasetBrowser
{
    /// <summary>The first <paramref name="count"/> images of <paramref name="phase"/>'s first epoch, with their captions.</summary>
    /// <param name="experiment">The configured experiment.</param>
    /// <param name="phase">train, val or test.</param>
    /// <param name="count">How many images.</param>
    /// <exception cref="ArgumentException">The phase is unknown or the config has no data loader for it.</exception>
    public static IReadOnlyList<GalleryTile> Tiles(Experiment experiment, string phase, int count)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var loader = phase switch
        {
            "train" => experiment.TrainDataLoader,
            "val" => experiment.ValDataLoader,
            "test" => experiment.TestDataLoader,
            _ => throw new ArgumentException($"--phase must be train, val or test, got '{phase}'.", nameof(phase)),
        } ?? throw new ArgumentException($"--phase {phase}: the config has no {phase}_dataloader.", nameof(phase));
        using var trainer = experiment.CreateTrainer().Build();
        var preprocessor = trainer.Services.GetRequiredService<IDataPreprocessor>();
        var options = trainer.Options.DataPreprocessor;
        var tiles = new List<GalleryTile>();
        var random = new Random(0);
        foreach (var batch in loader.Epoch(0))
        {
            using (batch)
            {
                using var scope = torch.NewDisposeScope();
                var (inputs, targets) = preprocessor.Process(batch, phase == "train", random);
                var images = Unnormalize(inputs.cpu(), options.Mean, options.Std);
                for (var i = 0; i < batch.Count && tiles.Count < count; i++)
                {
                    tiles.Add(GalleryTile.FromChw(images[i], Caption(targets.cpu()[i], experiment.Classes)));
                }
            }
            if (tiles.Count >= count)
            {
                break;
            }
        }
        return tiles;
    }

    /// <summary>
    /// A hard label's caption is its class; a soft (Mixup/CutMix) target's lists the classes above the label-smoothing
    /// floor, largest first, one line each, e.g. "0.63 T-shirt/top" and "0.37 Bag".
    /// </summary>
    /// <param name="target">A class index (0-d int64) or a soft target (K).</param>
    /// <param name="classes">Class names; an index without a name is shown as the number.</param>
    public static IReadOnlyList<string> Caption(Tensor target, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(classes);
        string Name(long c) => c < classes.Count ? classes[(int)c] : c.ToString(CultureInfo.InvariantCulture);
        if (target.dim() == 0)
        {
            return [Name(target.item<long>())];
        }
        var weights = target.to(ScalarType.Float32).data<float>().ToArray();
        // Label smoothing gives every class at least ε/K; with more than two classes the smallest weight is that floor.
        var floor = weights.Length > 2 ? weights.Min() : 0;
        return Enumerable.Range(0, weights.Length).Where(c => weights[c] > floor + 0.005).OrderByDescending(c => weights[c]).ThenBy(c => c)
            .Select(c => $"{weights[c].ToString("0.00", CultureInfo.InvariantCulture)} {Name(c)}").ToList();
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
}
