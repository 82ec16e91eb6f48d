using System.Text.Json;
using Vision.Data;
using Vision.Data.Image;
using Vision.Engine.Checkpoints;
using Vision.Engine.Configuration;
using Vision.Engine.Hooks;
using Vision.Engine.Training;
using Vision.Models;
using Vision.Models.Registry;

namespace Vision.Engine.Inference;

// Builds an inferencer from what a trainer checkpoint records: the model from its metadata, its weights, and the
// run's evaluation pipeline and normalisation, so inference preprocesses exactly as validation did.
internal static class CheckpointInference
{
    public static ImageClassificationInferencer Create(string path, int batchSize, Device device, bool? ema)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var folder = FileCheckpointStore.Locate(path);
        using var checkpoint = new FileCheckpointStore(Path.GetDirectoryName(folder)!).Load(folder);
        var metadata = checkpoint.Meta.Model;
        if (metadata?.Architecture is not { } architecture)
        {
            throw new InvalidDataException(
                $"The checkpoint '{folder}' records no registered model (it was written for a model without metadata); give the model and its preprocessing explicitly.");
        }
        var model = ModelRegistry.Create(architecture, new ModelOptions
        {
            NumClasses = metadata.NumClasses,
            ImageSize = metadata.ImageSize,
            Overrides = metadata.Overrides,
        });
        try
        {
            model.pretrained_cfg = metadata;
            var useEma = ema ?? EMAHook.ValidatedWithEma(checkpoint.Meta);
            var prefix = useEma ? EMAHook.TensorPrefix : Checkpoint.ModelPrefix;
            var weights = checkpoint.WithPrefix(prefix);
            if (weights.Count == 0)
            {
                throw new InvalidDataException($"The checkpoint '{folder}' holds no {prefix}* tensors{(useEma ? "; was the model trained with the EMA hook?" : ".")}");
            }
            WeightLoader.Load(model, weights, WeightLoadPolicy.Strict, folder);
            model.to(device);
            var channels = metadata.InChannels;
            var options = new ImageClassificationInferencerOptions
            {
                ResizeScale = (int)Math.Round(metadata.ImageSize / metadata.CropPct),
                CropSize = metadata.ImageSize,
                Interpolation = Enum.Parse<Interpolation>(metadata.Interpolation, ignoreCase: true),
                // A run without normalisation fed raw pixels: (x - 0) / 1 leaves them as they are.
                Mean = metadata.Mean ?? Enumerable.Repeat(0.0, channels).ToList(),
                Std = metadata.Std ?? Enumerable.Repeat(1.0, channels).ToList(),
                ReadMode = channels == 1 ? ImageReadMode.Grayscale : ImageReadMode.Rgb,
                BatchSize = batchSize,
                // A run trained with AMP validated under autocast: inference computes the same way.
                Autocast = checkpoint.Meta.Config?.Deserialize<TrainerOptions>(FileCheckpointStore.JsonOptions)?.Amp.AutocastType,
            };
            return EvaluationPipeline(checkpoint.Meta) is { } transforms
                ? new ImageClassificationInferencer(model, transforms, options, metadata.ClassNames, device)
                : new ImageClassificationInferencer(model, options, metadata.ClassNames, device);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }


    // The per-sample transforms validation ran (the test loader's when there was no validation), or null when the
    // run was not built from a configuration.
    private static IReadOnlyList<ITransform>? EvaluationPipeline(CheckpointMeta meta)
    {
        if (meta.RunConfig is not { } runConfig)
        {
            return null;
        }
        var config = Config.FromJson(runConfig);
        var loader = new[] { "val_dataloader", "test_dataloader" }.Select(config.GetSection).FirstOrDefault(s => !ComponentBuilder.IsEmpty(s));
        return loader is null
            ? null
            : ComponentBuilder.Items(loader.GetSection("pipeline"))
                .Select(t => ComponentBuilder.Build<ITransform>(t, Registries.Transforms, BuildArguments.None))
                .ToList();
    }
}
