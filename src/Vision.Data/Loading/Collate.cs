using Vision.Imaging;

namespace Vision.Data.Loading;

/// <summary>
/// Stacks samples into one batch (the default collate_fn for images): uint8 (H, W, C) images become one
/// contiguous uint8 (N, C, H, W) tensor, float (C, H, W) images one float (N, C, H, W) tensor; labels become
/// int64 (N). A <see cref="Transforms.Normalize"/> given to <see cref="Samples"/> is applied on the way: uint8 images
/// become one normalised float batch in a single pass, the DataLoader's way of running a pipeline's final Normalize.
/// </summary>
public static class Collate
{
    /// <summary>Stacks <paramref name="samples"/> (all of one shape and type) into a batch that owns new tensors.</summary>
    /// <param name="samples">The samples.</param>
    /// <param name="pinMemory">Put the batch in page-locked memory.</param>
    /// <param name="normalize">Normalises uint8 images into the float batch, with the values <see cref="Transforms.Normalize"/> gives per sample.</param>
    /// <exception cref="InvalidDataException">The samples differ in shape or type, an image is neither uint8 (H, W, C) nor float (C, H, W), or <paramref name="normalize"/> meets a float image; the message names the samples.</exception>
    public static Batch Samples(IReadOnlyList<DataSample> samples, bool pinMemory, Transforms.Normalize? normalize = null)
    {
        var first = samples[0];
        var shape = first.Image.shape;
        var dtype = first.Image.dtype;
        var hwc = dtype == ScalarType.Byte;
        if (shape.Length != 3 || !(hwc || FloatingTypes.Contains(dtype)))
        {
            throw new InvalidDataException(
                $"Sample {first.Index} ({first.Source ?? "no source"}) has a {dtype} image of shape {Describe(shape)}; " +
                "the loader collates uint8 (H, W, C) or floating-point (C, H, W) images.");
        }
        foreach (var sample in samples)
        {
            var other = sample.Image.shape;
            if (sample.Image.dtype != dtype || !other.AsSpan().SequenceEqual(shape))
            {
                throw new InvalidDataException(
                    $"Cannot collate sample {sample.Index} ({sample.Source ?? "no source"}), a {sample.Image.dtype} image of shape {Describe(other)}, " +
                    $"with sample {first.Index}, a {dtype} image of shape {Describe(shape)}: the images of a batch need one shape and type " +
                    "(add a resize or crop transform).");
            }
        }

        if (normalize is not null && !hwc)
        {
            throw new InvalidDataException(
                $"Sample {first.Index} ({first.Source ?? "no source"}) has a {dtype} image; Normalize takes uint8 (H, W, C) images.");
        }

        using var scope = torch.NewDisposeScope();
        Tensor images;
        if (hwc)
        {
            images = ImageKernels.Collate([.. samples.Select(s => s.Image)], normalize?.Mean.ToArray() ?? [],
                normalize?.Std.ToArray() ?? [], normalize?.ToRgb ?? false);
        }
        else
        {
            images = torch.empty([samples.Count, .. shape], dtype);
            for (var i = 0; i < samples.Count; i++)
            {
                images.select(0, i).copy_(samples[i].Image);
            }
        }
        var labels = torch.tensor(samples.Select(s => s.Label).ToArray());
        if (pinMemory)
        {
            images = images.pin_memory();
            labels = labels.pin_memory();
        }
        return new Batch(images, labels, samples.Select(s => s.Index).ToArray());
    }

    private static string Describe(long[] shape) => $"[{string.Join(", ", shape)}]";
}
