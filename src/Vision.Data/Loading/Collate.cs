namespace Vision.Data.Loading;

/// <summary>
/// Stacks samples into one batch (the default collate_fn for images): uint8 (H, W, C) images become one
/// contiguous uint8 (N, C, H, W) tensor, float (C, H, W) images one float (N, C, H, W) tensor; labels become
/// int64 (N).
/// </summary>
public static class Collate
{
    /// <summary>Stacks <paramref name="samples"/> (all of one shape and type) into a batch that owns new tensors.</summary>
    /// <exception cref="InvalidDataException">The samples differ in shape or type, or an image is neither uint8 (H, W, C) nor float (C, H, W); the message names the samples.</exception>
    public static Batch Samples(IReadOnlyList<DataSample> samples, bool pinMemory)
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

        using var scope = torch.NewDisposeScope();
        long[] batchShape = hwc ? [samples.Count, shape[2], shape[0], shape[1]] : [samples.Count, .. shape];
        var images = torch.empty(batchShape, dtype);
        for (var i = 0; i < samples.Count; i++)
        {
            var image = samples[i].Image;
            images.select(0, i).copy_(hwc ? image.permute(2, 0, 1) : image);
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
