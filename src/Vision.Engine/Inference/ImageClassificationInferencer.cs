using Vision.Data;
using Vision.Data.Image;
using Vision.Data.Loading;
using Vision.Data.Transforms;
using Vision.Engine.Training;
using Vision.nn;

namespace Vision.Engine.Inference;

/// <summary>
/// Classifies images with a trained model (MMPreTrain's ImageClassificationInferencer): decodes them, applies the
/// per-sample test transforms (those of <see cref="ImageClassificationInferencerOptions"/>, ResizeEdge and CenterCrop,
/// or a validation pipeline), collates and normalises them with the trainer's own <see cref="DataPreprocessor"/> —
/// the validation path — runs the model in batches in eval mode under inference mode, and returns per image the
/// softmax scores, the predicted label, its score and its class name. <see cref="FromCheckpoint"/> takes all of it
/// from a trainer checkpoint.
/// </summary>
/// <example>
/// <code>
/// var inferencer = new ImageClassificationInferencer(model, new() { BatchSize = 32 }, classes: dataset.Classes);
/// foreach (var result in inferencer.Infer("photos/"))
/// {
///     Console.WriteLine($"{result.ImagePath}: {result.PredClass} ({result.PredScore:P1})");
/// }
/// </code>
/// </example>
public sealed class ImageClassificationInferencer
{
    private readonly Compose pipeline;
    private readonly DataPreprocessorOptions normalization;
    private readonly string[]? classes;

    /// <summary>Creates the inferencer.</summary>
    /// <param name="model">A classifier returning logits (N, C) for normalised images (N, channels, H, W).</param>
    /// <param name="options">Preprocessing and batch size; default ImageNet preprocessing (resize 256, crop 224), batches of 1.</param>
    /// <param name="classes">The class names by label, for <see cref="ClassificationResult.PredClass"/>; null leaves it unset.</param>
    /// <param name="device">Where the model runs; default the device of its first parameter (the CPU if it has none).</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public ImageClassificationInferencer(Module<Tensor, Tensor> model, ImageClassificationInferencerOptions? options = null,
        IReadOnlyList<string>? classes = null, Device? device = null)
        : this(model, null, options, classes, device, fromOptions: true)
    {
    }

    /// <summary>Creates the inferencer with the per-sample transforms of a validation pipeline (no normalisation among them).</summary>
    /// <param name="model">A classifier returning logits (N, C) for normalised images (N, channels, H, W).</param>
    /// <param name="transforms">The per-sample transforms (they replace the resize and crop settings of <paramref name="options"/>).</param>
    /// <param name="options">Normalisation, read mode and batch size.</param>
    /// <param name="classes">The class names by label, for <see cref="ClassificationResult.PredClass"/>; null leaves it unset.</param>
    /// <param name="device">Where the model runs; default the device of its first parameter (the CPU if it has none).</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public ImageClassificationInferencer(Module<Tensor, Tensor> model, IReadOnlyList<ITransform> transforms,
        ImageClassificationInferencerOptions options, IReadOnlyList<string>? classes = null, Device? device = null)
        : this(model, transforms ?? throw new ArgumentNullException(nameof(transforms)), options, classes, device, fromOptions: false)
    {
    }

    private ImageClassificationInferencer(Module<Tensor, Tensor> model, IReadOnlyList<ITransform>? transforms,
        ImageClassificationInferencerOptions? options, IReadOnlyList<string>? classes, Device? device, bool fromOptions)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new ImageClassificationInferencerOptions();
        options.Validate();
        Model = model;
        Options = options;
        this.classes = classes?.ToArray();
        Device = device ?? model.parameters().Select(p => p.device).FirstOrDefault(Device.CPU);
        var steps = transforms?.ToList() ?? [];
        if (fromOptions && options.ResizeScale > 0)
        {
            steps.Add(new ResizeEdge(options.ResizeScale, options.ResizeEdge, options.Interpolation));
        }
        if (fromOptions && options.CropSize > 0)
        {
            steps.Add(new CenterCrop(options.CropSize));
        }
        pipeline = new Compose(steps);
        normalization = new DataPreprocessorOptions { Mean = [.. options.EffectiveMean], Std = [.. options.EffectiveStd] };
    }

    /// <summary>
    /// An inferencer for the model of a trainer checkpoint, rebuilt from the metadata it stores (architecture, class
    /// count and names, input size and channels) with its weights, preprocessing exactly as validation did: the run's
    /// validation (or test) pipeline and the trainer's normalisation. Dispose <see cref="Model"/> when done.
    /// </summary>
    /// <param name="path">A checkpoint folder, a checkpoint root or a work dir (its latest checkpoint).</param>
    /// <param name="batchSize">Images per forward pass.</param>
    /// <param name="device">Where the model runs; default the CPU.</param>
    /// <param name="useEma">Use the EMA hook's averaged weights (<c>ema.*</c>, true) or the model's (false); null (the default)
    /// uses the weights the run's validation evaluated, so inference answers as validation did.</param>
    /// <exception cref="FileNotFoundException">No checkpoint at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The checkpoint stores no model metadata (it was not made from a registered model by this trainer).</exception>
    public static ImageClassificationInferencer FromCheckpoint(string path, int batchSize = 1, Device? device = null, bool? useEma = null) =>
        CheckpointInference.Create(path, batchSize, device ?? Device.CPU, useEma);

    /// <summary>The classifier.</summary>
    public Module<Tensor, Tensor> Model { get; }

    /// <summary>The preprocessing and batching settings.</summary>
    public ImageClassificationInferencerOptions Options { get; }

    /// <summary>The class names by label, or null.</summary>
    public IReadOnlyList<string>? Classes => classes;

    /// <summary>The device the model runs on.</summary>
    public Device Device { get; }

    /// <summary>Classifies an image file, or every image under a folder (recursively, in ordinal path order).</summary>
    /// <exception cref="FileNotFoundException">The path is neither a file nor a folder.</exception>
    /// <exception cref="InvalidDataException">A file is not a decodable image (the message names it), or a folder holds no images.</exception>
    public IReadOnlyList<ClassificationResult> Infer(string path) => Infer([path]);

    /// <summary>Classifies image files (a folder among them stands for the images under it), in the order given.</summary>
    /// <exception cref="FileNotFoundException">A path is neither a file nor a folder.</exception>
    /// <exception cref="InvalidDataException">A file is not a decodable image (the message names it), or a folder holds no images.</exception>
    public IReadOnlyList<ClassificationResult> Infer(IEnumerable<string> paths) => Infer(paths, unreadable: null);

    /// <summary>
    /// Classifies image files like <see cref="Infer(IEnumerable{string})"/>, but a file that cannot be decoded is handed
    /// to <paramref name="unreadable"/> (with the error naming it) and left out, so the other files still get answers.
    /// </summary>
    /// <exception cref="FileNotFoundException">A path is neither a file nor a folder.</exception>
    public IReadOnlyList<ClassificationResult> Infer(IEnumerable<string> paths, Action<string, InvalidDataException>? unreadable)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var files = paths.SelectMany(Expand).ToList();
        return Run(files.Count, i => Read(files[i], unreadable), i => files[i]);
    }

    private Tensor? Read(string file, Action<string, InvalidDataException>? unreadable)
    {
        try
        {
            return ImageIO.Read(file, Options.ReadMode);
        }
        catch (InvalidDataException e) when (unreadable is not null)
        {
            unreadable(file, e);
            return null;
        }
    }

    /// <summary>Classifies decoded images: uint8 (H, W, C) tensors with the channels of <see cref="ImageClassificationInferencerOptions.ReadMode"/>. They are not changed.</summary>
    /// <exception cref="ArgumentException">An image is not a uint8 (H, W, C) tensor with the expected channels.</exception>
    public IReadOnlyList<ClassificationResult> Infer(IEnumerable<Tensor> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var list = images.ToList();
        var channels = Options.ReadMode == ImageReadMode.Grayscale ? 1 : 3;
        for (var i = 0; i < list.Count; i++)
        {
            var image = list[i];
            if (image.dtype != ScalarType.Byte || image.dim() != 3 || image.size(2) != channels)
            {
                throw new ArgumentException(
                    $"Image {i} must be a uint8 (H, W, {channels}) tensor for {Options.ReadMode} inference, got {image.dtype} ({string.Join(", ", image.shape)}).",
                    nameof(images));
            }
        }
        // The pipeline replaces and frees the sample's image, so it works on a copy of the caller's.
        return Run(list.Count, i => list[i].cpu().clone(), _ => null);
    }

    private static IEnumerable<string> Expand(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path))
        {
            return [path];
        }
        if (!Directory.Exists(path))
        {
            throw new FileNotFoundException($"{path} is neither an image file nor a folder.", path);
        }
        var images = Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true })
            .Where(f => ImageIO.Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (images.Count == 0)
        {
            throw new InvalidDataException($"The folder {path} holds no images (extensions {string.Join(", ", ImageIO.Extensions)}).");
        }
        return images;
    }

    private List<ClassificationResult> Run(int count, Func<int, Tensor?> load, Func<int, string?> source)
    {
        var results = new List<ClassificationResult>(count);
        // Eval mode for the run, then every module back in its own mode, so a model mid-training can be used.
        var modes = Model.modules().Select(m => (Module: m, m.training)).ToList();
        Model.eval();
        try
        {
            for (var start = 0; start < count; start += Options.BatchSize)
            {
                var size = Math.Min(Options.BatchSize, count - start);
                results.AddRange(Batch(Enumerable.Range(start, size), load, source));
            }
        }
        finally
        {
            // Pre-order: a parent's train() resets its subtree before the children restore their own modes.
            foreach (var (module, training) in modes)
            {
                module.train(training);
            }
        }
        return results;
    }

    private IEnumerable<ClassificationResult> Batch(IEnumerable<int> indices, Func<int, Tensor?> load, Func<int, string?> source)
    {
        using var scope = torch.NewDisposeScope();
        var samples = new List<DataSample>();
        float[] scores;
        try
        {
            foreach (var i in indices)
            {
                if (load(i) is not { } image)
                {
                    continue;
                }
                samples.Add(new DataSample(image, label: 0, index: i, source: source(i)));
                // The test pipeline is deterministic; the generator is only there to satisfy the transform interface.
                pipeline.Apply(samples[^1], new Random(0));
            }
            if (samples.Count == 0)
            {
                return [];
            }
            CheckSameSize(samples);
            // The validation path: collate as the loader does, then normalise on the device as the trainer does.
            using var batch = Collate.Samples(samples, pinMemory: false);
            using var preprocessor = new DataPreprocessor(Device, normalization);
            var (inputs, _) = preprocessor.Process(batch, training: false, new Random(0));
            using (torch.inference_mode())
            using (Options.Autocast is { } type ? torch.autocast(Device.Type, type) : null)
            {
                var logits = Model.forward(inputs);
                if (logits.dim() != 2 || logits.size(0) != samples.Count)
                {
                    throw new InvalidOperationException(
                        $"The model must return logits of shape ({samples.Count}, classes) for {samples.Count} images, got ({string.Join(", ", logits.shape)}).");
                }
                scores = logits.to(ScalarType.Float32).softmax(1).cpu().data<float>();
            }
            if (!scores.All(float.IsFinite))
            {
                throw NonFiniteScores(samples[Array.FindIndex(scores, s => !float.IsFinite(s)) / (scores.Length / samples.Count)].Source);
            }
        }
        finally
        {
            samples.ForEach(s => s.Dispose());
        }
        var classCount = scores.Length / samples.Count;
        if (classes is not null && classes.Length != classCount)
        {
            throw new InvalidOperationException($"The model scores {classCount} classes but {classes.Length} class names were given.");
        }
        return samples.Select((sample, row) =>
        {
            var rowScores = scores.AsSpan(row * classCount, classCount).ToArray();
            var label = Array.IndexOf(rowScores, rowScores.Max());
            return new ClassificationResult
            {
                PredScores = rowScores,
                PredLabel = label,
                PredScore = rowScores[label],
                PredClass = classes?[label],
                ImagePath = sample.Source,
            };
        }).ToList();
    }

    // NaN scores would read as "label 0, score NaN": name the weights that are not finite instead, or the image.
    private InvalidDataException NonFiniteScores(string? image)
    {
        using var scope = torch.NewDisposeScope();
        var broken = Model.state_dict().Where(e => !e.Value.isfinite().all().item<bool>()).Select(e => e.Key).ToList();
        return new InvalidDataException(broken.Count > 0
            ? $"The model's weights are not finite (NaN or infinity in {string.Join(", ", broken.Take(5))}{(broken.Count > 5 ? $" and {broken.Count - 5} more" : "")}), so its scores are NaN; the checkpoint is broken (e.g. saved after the loss diverged)."
            : $"The model gave non-finite scores for {image ?? "an image"} although its weights are finite (an overflow in the forward pass?).");
    }

    private void CheckSameSize(List<DataSample> samples)
    {
        var first = samples[0];
        if (samples.FirstOrDefault(s => !s.Image.shape.AsSpan().SequenceEqual(first.Image.shape)) is { } other)
        {
            throw new InvalidDataException(
                $"Cannot batch {Describe(first)} ({string.Join("×", first.Image.shape)}) with {Describe(other)} ({string.Join("×", other.Image.shape)}): " +
                $"images of a batch need one size after preprocessing; set CropSize (now {Options.CropSize}) or BatchSize 1.");
        }
    }

    private static string Describe(DataSample sample) => sample.Source ?? $"image {sample.Index}";
}
