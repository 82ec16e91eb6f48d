using Vision.Data.Image;
using Vision.Data.Transforms;

namespace Vision.Engine.Inference;

/// <summary>
/// Preprocessing and batching of an <see cref="ImageClassificationInferencer"/>: MMPreTrain's test pipeline
/// (ResizeEdge, CenterCrop) and data preprocessor (mean, std), with the ImageNet defaults of its configs.
/// Bindable from configuration; <see cref="Validate"/> (called by the inferencer) rejects invalid values.
/// </summary>
public sealed class ImageClassificationInferencerOptions
{
    /// <summary>The ImageNet per-channel mean in pixel units (RGB), MMPreTrain's default.</summary>
    public static IReadOnlyList<double> ImageNetMean { get; } = [123.675, 116.28, 103.53];

    /// <summary>The ImageNet per-channel standard deviation in pixel units (RGB), MMPreTrain's default.</summary>
    public static IReadOnlyList<double> ImageNetStd { get; } = [58.395, 57.12, 57.375];

    /// <summary>The length <see cref="ResizeEdge"/> scales the chosen side to (ResizeEdge's scale); 0 keeps the size. Default 256.</summary>
    public int ResizeScale { get; init; } = 256;

    /// <summary>The side scaled to <see cref="ResizeScale"/> (ResizeEdge's edge). Default the short side.</summary>
    public Edge ResizeEdge { get; init; } = Edge.Short;

    /// <summary>The resampling filter of the resize. Default bilinear.</summary>
    public Interpolation Interpolation { get; init; } = Interpolation.Bilinear;

    /// <summary>The side of the square center crop (CenterCrop's crop_size); 0 skips the crop. Default 224.</summary>
    public int CropSize { get; init; } = 224;

    /// <summary>Per-channel mean in pixel units 0–255; null is <see cref="ImageNetMean"/>.</summary>
    public IReadOnlyList<double>? Mean { get; init; }

    /// <summary>Per-channel standard deviation in pixel units; null is <see cref="ImageNetStd"/>.</summary>
    public IReadOnlyList<double>? Std { get; init; }

    /// <summary>Decode files as RGB (3 channels) or grayscale (1 channel, e.g. for Fashion-MNIST models). Default RGB.</summary>
    public ImageReadMode ReadMode { get; init; } = ImageReadMode.Rgb;

    /// <summary>Images per forward pass. Default 1.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>
    /// Run the model under autocast to this type (float16 or bfloat16), as a run trained with AMP validated; null
    /// (the default) runs in full precision.
    /// </summary>
    public ScalarType? Autocast { get; init; }

    /// <summary>Throws if any value is invalid; the message has one line per invalid value.</summary>
    /// <exception cref="ArgumentException">At least one value is invalid.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (ResizeScale < 0)
        {
            problems.Add($"ResizeScale must be positive, or 0 to keep the size, got {ResizeScale}.");
        }
        if (CropSize < 0)
        {
            problems.Add($"CropSize must be positive, or 0 to skip the crop, got {CropSize}.");
        }
        if (BatchSize < 1)
        {
            problems.Add($"BatchSize must be at least 1, got {BatchSize}.");
        }
        if (!Enum.IsDefined(ResizeEdge))
        {
            problems.Add($"ResizeEdge must be one of {string.Join(", ", Enum.GetNames<Edge>())}, got {ResizeEdge}.");
        }
        if (!Enum.IsDefined(Interpolation))
        {
            problems.Add($"Interpolation must be one of {string.Join(", ", Enum.GetNames<Interpolation>())}, got {Interpolation}.");
        }
        var channels = ReadMode == ImageReadMode.Grayscale ? 1 : 3;
        if (EffectiveMean.Count != channels)
        {
            problems.Add($"Mean needs one value per channel, {channels} for {ReadMode} images, got {EffectiveMean.Count}.");
        }
        if (EffectiveStd.Count != channels)
        {
            problems.Add($"Std needs one value per channel, {channels} for {ReadMode} images, got {EffectiveStd.Count}.");
        }
        if (EffectiveStd.Any(s => !(s > 0) || double.IsInfinity(s)))
        {
            problems.Add($"Std values must be positive and finite, got [{string.Join(", ", EffectiveStd)}].");
        }
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid ImageClassificationInferencerOptions:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        }
    }

    /// <summary>The mean in use: <see cref="Mean"/> or the ImageNet default.</summary>
    internal IReadOnlyList<double> EffectiveMean => Mean ?? ImageNetMean;

    /// <summary>The standard deviation in use: <see cref="Std"/> or the ImageNet default.</summary>
    internal IReadOnlyList<double> EffectiveStd => Std ?? ImageNetStd;
}
