using SkiaSharp;

namespace Vision.Engine.Tests.Visualization;

/// <summary>Reads back PNG files the visualisation code wrote, to assert what a person would see.</summary>
internal static class Png
{
    /// <summary>Decodes <paramref name="path"/>, failing the test when it is not a PNG image.</summary>
    public static SKBitmap Load(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        using var stream = File.OpenRead(path);
        Span<byte> signature = stackalloc byte[8];
        stream.ReadExactly(signature);
        Assert.True(signature.SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }), $"{path} is not a PNG file");
        return SKBitmap.Decode(path) ?? throw new InvalidDataException($"{path} does not decode");
    }

    /// <summary>How many pixels are within <paramref name="tolerance"/> of <paramref name="color"/> in every channel.</summary>
    public static int CountNear(SKBitmap bitmap, SKColor color, int tolerance = 8)
    {
        var count = 0;
        foreach (var pixel in bitmap.Pixels)
        {
            if (Math.Abs(pixel.Red - color.Red) <= tolerance && Math.Abs(pixel.Green - color.Green) <= tolerance && Math.Abs(pixel.Blue - color.Blue) <= tolerance)
            {
                count++;
            }
        }
        return count;
    }
}
