using Vision.Data.Image;

namespace Vision.Cli.Tests;

/// <summary>Small PNG files with pixel values the tests know.</summary>
internal static class TestImages
{
    /// <summary>Writes an RGB PNG whose pixel (y, x, c) is <paramref name="value"/>(y, x, c) and returns its path.</summary>
    public static string Write(string path, int height, int width, Func<int, int, int, byte> value)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var data = new byte[height * width * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    data[(y * width + x) * 3 + c] = value(y, x, c);
                }
            }
        }
        using var image = torch.tensor(data, height, width, 3);
        ImageIO.Write(path, image);
        return path;
    }

    /// <summary>Writes a PNG of seeded random pixels.</summary>
    public static string Noise(string path, int height, int width, int seed)
    {
        var rng = new Random(seed);
        return Write(path, height, width, (_, _, _) => (byte)rng.Next(256));
    }
}
