using System.Globalization;
using Vision.Data.Image;

namespace Vision.Engine.Tests.Configuration;

/// <summary>
/// A tiny learnable image folder: 8×8 RGB PNGs in four classes, each class bright in one quadrant, with noise, so a
/// model learns it in a few steps.
/// </summary>
internal static class QuadrantImages
{
    /// <summary>Writes <paramref name="perClass"/> images per class into <c>{folder}/{0..3}/</c>.</summary>
    public static void Write(string folder, int perClass, int seed)
    {
        var random = new Random(seed);
        for (var label = 0; label < 4; label++)
        {
            var classFolder = Path.Combine(folder, label.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(classFolder);
            for (var n = 0; n < perClass; n++)
            {
                var pixels = new byte[8 * 8 * 3];
                for (var i = 0; i < pixels.Length; i++)
                {
                    var (y, x) = (i / 24, i / 3 % 8);
                    var bright = (y / 4) * 2 + x / 4 == label;
                    pixels[i] = (byte)((bright ? 190 : 60) + random.Next(-30, 31));
                }
                using var image = torch.tensor<byte>(pixels, [8, 8, 3]);
                ImageIO.Write(Path.Combine(classFolder, $"{n}.png"), image);
            }
        }
    }
}
