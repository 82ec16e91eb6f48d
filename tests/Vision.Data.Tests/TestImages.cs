namespace Vision.Data.Tests;

/// <summary>Synthetic uint8 (H, W, C) images with known pixel values.</summary>
internal static class TestImages
{
    /// <summary>An image whose pixel (y, x, c) is <paramref name="value"/>(y, x, c) (taken modulo 256).</summary>
    public static Tensor Make(int height, int width, int channels, Func<int, int, int, int> value)
    {
        var data = new byte[height * width * channels];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                for (var c = 0; c < channels; c++)
                {
                    data[(y * width + x) * channels + c] = (byte)value(y, x, c);
                }
            }
        }
        return torch.tensor(data, height, width, channels);
    }

    /// <summary>Uniformly random pixels from a seeded generator.</summary>
    public static Tensor Random(int height, int width, int channels, int seed)
    {
        var rng = new Random(seed);
        return Make(height, width, channels, (_, _, _) => rng.Next(256));
    }

    /// <summary>Pixel (y, x, c) of a uint8 (H, W, C) image read from its data array.</summary>
    public static byte At(byte[] data, int width, int channels, int y, int x, int c) => data[(y * width + x) * channels + c];

    /// <summary>A sample owning <paramref name="image"/>.</summary>
    public static DataSample Sample(Tensor image) => new(image, label: 0, index: 0, source: "test image");
}
