namespace Vision.Data.Tests.Loading;

/// <summary>
/// In-memory uint8 (H, W, 3) images whose pixels encode the index: Pixel(index, y, x, c). Label = index.
/// Chosen indices throw as a corrupt file would; Get can be slowed down to test prefetching and stopping.
/// </summary>
internal sealed class SyntheticDataset(int count, int height = 4, int width = 5, int[]? bad = null, int delayMs = 0, Func<int, int>? heightOf = null) : IDataset
{
    private int gets;

    public int Count => count;

    public IReadOnlyList<string> Classes { get; } = Enumerable.Range(0, count).Select(i => $"class {i}").ToArray();

    public int Gets => Volatile.Read(ref gets);

    public static byte Pixel(int index, int y, int x, int c) => (byte)((index * 7 + y * 5 + x * 3 + c) % 256);

    public DataSample Get(int index)
    {
        Interlocked.Increment(ref gets);
        if (delayMs > 0)
        {
            Thread.Sleep(delayMs);
        }
        if (bad?.Contains(index) == true)
        {
            throw new InvalidDataException($"corrupt image data at index {index}");
        }
        var h = heightOf?.Invoke(index) ?? height;
        var data = new byte[h * width * 3];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < width; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    data[(y * width + x) * 3 + c] = Pixel(index, y, x, c);
                }
            }
        }
        return new DataSample(torch.tensor(data, h, width, 3), index, index, $"mem://{index}");
    }
}

/// <summary>Writes a draw of the sample's random source into pixel (0, 0, 0), so tests can see which source a sample got.</summary>
internal sealed class StampTransform : ITransform
{
    public DataSample Apply(DataSample sample, Random rng)
    {
        var image = sample.Image.clone();
        image.index_put_(rng.Next(256), 0, 0, 0);
        sample.Image = image;
        return sample;
    }
}

/// <summary>Fails for one index, after the sample was loaded (so the sample's source is known).</summary>
internal sealed class FailingTransform(int index) : ITransform
{
    public DataSample Apply(DataSample sample, Random rng) =>
        sample.Index == index ? throw new FormatException("transform rejected the image") : sample;
}

/// <summary>uint8 (H, W, C) to float (C, H, W), as a to-tensor step does (without scaling, to keep values exact).</summary>
internal sealed class ToFloatChw : ITransform
{
    public DataSample Apply(DataSample sample, Random rng)
    {
        using var chw = sample.Image.permute(2, 0, 1);
        sample.Image = chw.to(ScalarType.Float32);
        return sample;
    }
}
