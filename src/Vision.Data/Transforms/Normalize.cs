using Vision.Data.Image;

namespace Vision.Data.Transforms;

/// <summary>
/// The last per-sample step: packs a uint8 (H, W, C) image into a float32 (C, H, W) tensor normalised per channel
/// as (x - mean) / std, with mean and std in pixel units 0–255 as MMPreTrain's data preprocessor takes them
/// (ImageNet: mean 123.675, 116.28, 103.53; std 58.395, 57.12, 57.375). It stands for torchvision's
/// ToTensor + Normalize (whose 0–1 values are these divided by 255). Transforms on the normalised image, such as
/// <see cref="RandomErasing"/>, come after it.
/// </summary>
public sealed class Normalize : ITransform
{
    private readonly double[] mean;
    private readonly double[] std;

    /// <summary>Creates the transform; mean and std have one value per channel, in the output channel order.</summary>
    /// <param name="mean">Per-channel mean, pixel units.</param>
    /// <param name="std">Per-channel standard deviation, pixel units; positive.</param>
    /// <param name="toRgb">Reverse the channel order first (MMPreTrain's <c>to_rgb</c>: for images stored BGR).
    /// Images from <see cref="ImageIO"/> are RGB already, so leave it false for them.</param>
    /// <exception cref="ArgumentException">The lists are empty or of different lengths, or a std value is not positive.</exception>
    public Normalize(IReadOnlyList<double> mean, IReadOnlyList<double> std, bool toRgb = false)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Count == 0 || mean.Count != std.Count)
        {
            throw new ArgumentException($"mean and std need one value per channel each, got {mean.Count} and {std.Count}.", nameof(std));
        }
        if (std.Any(s => !(s > 0) || double.IsInfinity(s)))
        {
            throw new ArgumentException($"std values must be positive and finite, got [{string.Join(", ", std)}].", nameof(std));
        }
        this.mean = [.. mean];
        this.std = [.. std];
        ToRgb = toRgb;
    }

    /// <summary>Per-channel mean, pixel units.</summary>
    public IReadOnlyList<double> Mean => mean;

    /// <summary>Per-channel standard deviation, pixel units.</summary>
    public IReadOnlyList<double> Std => std;

    /// <summary>Whether the channel order is reversed before normalising.</summary>
    public bool ToRgb { get; }

    /// <inheritdoc/>
    public DataSample Apply(DataSample sample, Random rng)
    {
        sample.Image = ImageOps.Normalize(sample.Image, mean, std, ToRgb);
        return sample;
    }
}
