using System.Text.Json;
using Vision.Data.Image;
using Vision.Tests.Reference;

namespace Vision.Data.Tests.Image;

public sealed class ImageIOTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("vision-imageio-");

    public void Dispose() => dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(dir.FullName, name);

    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    public void PngRoundTripIsExact(int channels)
    {
        using var image = TestImages.Random(13, 17, channels, seed: channels);
        var path = PathOf("image.png");
        ImageIO.Write(path, image);
        using var read = ImageIO.Read(path, channels == 1 ? ImageReadMode.Grayscale : ImageReadMode.Rgb);
        Assert.Equal(new long[] { 13, 17, channels }, read.shape);
        Assert.Equal(ScalarType.Byte, read.dtype);
        Assert.Equal(image.data<byte>(), read.data<byte>());
    }

    [Fact]
    public void JpegRoundTripIsClose()
    {
        // A smooth image: JPEG keeps it to within a few levels at quality 95.
        using var image = TestImages.Make(64, 48, 3, (y, x, c) => 20 + y + x + 30 * c);
        var bytes = ImageIO.Encode(image, ImageFormat.Jpeg, quality: 95);
        Assert.Equal([0xFF, 0xD8], bytes[..2]);
        using var decoded = ImageIO.Decode(bytes);
        var expected = image.data<byte>();
        var actual = decoded.data<byte>();
        var diffs = expected.Zip(actual, (a, b) => Math.Abs(a - b)).ToArray();
        Assert.True(diffs.Average() < 1.5, $"mean abs error {diffs.Average()}");
        Assert.True(diffs.Max() <= 8, $"max abs error {diffs.Max()}");
        // A lower quality compresses more.
        Assert.True(ImageIO.Encode(image, ImageFormat.Jpeg, quality: 20).Length < bytes.Length);
    }

    [Fact]
    public void GrayscaleFileBecomesThreeEqualChannels()
    {
        using var gray = TestImages.Random(5, 7, 1, seed: 3);
        var bytes = ImageIO.Encode(gray);
        using var rgb = ImageIO.Decode(bytes);
        Assert.Equal(new long[] { 5, 7, 3 }, rgb.shape);
        var g = gray.data<byte>();
        var data = rgb.data<byte>();
        for (var i = 0; i < g.Length; i++)
        {
            Assert.Equal([g[i], g[i], g[i]], data[(3 * i)..(3 * i + 3)]);
        }
    }

    [Fact]
    public void AlphaIsDroppedKeepingRgb()
    {
        using var rgba = TestImages.Make(4, 6, 4, (y, x, c) => c == 3 ? 17 * x : 10 * y + 40 * c + x);
        using var rgb = ImageIO.Decode(ImageIO.Encode(rgba));
        using var expected = rgba.narrow(2, 0, 3).contiguous();
        Assert.Equal(expected.data<byte>(), rgb.data<byte>());
    }

    [Fact]
    public void GrayscaleModeConvertsColourWithItu601Luma()
    {
        using var image = TestImages.Make(1, 3, 3, (_, x, c) => x == c ? 255 : 0); // pure red, green, blue
        using var gray = ImageIO.Decode(ImageIO.Encode(image), ImageReadMode.Grayscale);
        Assert.Equal(new long[] { 1, 3, 1 }, gray.shape);
        // 255 · (0.299, 0.587, 0.114) = (76.2, 149.7, 29.1); the codecs' fixed-point weights may round either way.
        double[] expected = [76.2, 149.7, 29.1];
        Assert.All(gray.data<byte>().Zip(expected), p => Assert.InRange(p.First, p.Second - 1, p.Second + 1));
    }

    // An image whose four 16×16 quadrants have distinct flat colours, so orientation survives JPEG exactly enough.
    private static Tensor Quadrants(int height, int width) =>
        TestImages.Make(height, width, 3, (y, x, c) => ((y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1)) switch
        {
            0 => c == 0 ? 230 : 20,
            1 => c == 1 ? 230 : 20,
            2 => c == 2 ? 230 : 20,
            _ => 230,
        });

    // Inserts an EXIF APP1 segment holding only the Orientation tag (0x0112) after the JPEG's SOI marker.
    internal static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, first IFD at offset 8
            0, 1, // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, (byte)(orientation >> 8), (byte)orientation, 0, 0, // Orientation, SHORT, count 1
            0, 0, 0, 0, // no next IFD
        ];
        byte[] payload = [(byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0, .. tiff];
        var length = payload.Length + 2;
        return [jpeg[0], jpeg[1], 0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload, .. jpeg[2..]];
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(8)]
    public void ExifOrientationIsApplied(ushort orientation)
    {
        using var stored = Quadrants(32, 64);
        var jpeg = WithExifOrientation(ImageIO.Encode(stored, ImageFormat.Jpeg, quality: 100), orientation);
        // EXIF orientation: 3 = rotated 180°, 6 = display after rotating 90° clockwise, 8 = 90° counter-clockwise.
        using var expected = orientation switch
        {
            3 => stored.flip(0, 1),
            6 => stored.transpose(0, 1).flip(1),
            8 => stored.transpose(0, 1).flip(0),
            _ => stored.clone(),
        };
        var path = PathOf("exif.jpg");
        File.WriteAllBytes(path, jpeg);
        using var decoded = ImageIO.Decode(jpeg);
        using var read = ImageIO.Read(path);
        foreach (var image in new[] { decoded, read })
        {
            Assert.Equal(expected.shape, image.shape);
            var diffs = expected.contiguous().data<byte>().Zip(image.data<byte>(), (a, b) => Math.Abs(a - b)).ToArray();
            // JPEG blurs the colour edges by a few levels; a wrong orientation would be off by ~100.
            Assert.True(diffs.Average() < 6, $"orientation {orientation}: mean abs error {diffs.Average()}");
        }
    }

    [SkippableFact]
    public void DecodesBmpTiffAndWebpWrittenByPil()
    {
        using var image = TestImages.Random(9, 11, 3, seed: 5);
        var paths = new[] { "x.bmp", "x.tiff", "x.webp", "x.ppm" }.Select(PathOf).ToArray();
        TorchReference.Run($$"""
            from PIL import Image
            im = Image.fromarray(inp['img'].numpy())
            for p in {{JsonSerializer.Serialize(paths)}}:
                im.save(p, lossless=True) if p.endswith('.webp') else im.save(p)
            """, new Dictionary<string, Tensor> { ["img"] = image });
        foreach (var path in paths)
        {
            using var read = ImageIO.Read(path);
            Assert.True(image.equal(read), $"{path} decoded differently");
        }
    }

    [Fact]
    public void CorruptFileErrorNamesTheFile()
    {
        using var image = TestImages.Random(8, 8, 3, seed: 1);
        var png = ImageIO.Encode(image);
        var truncated = PathOf("truncated.png");
        File.WriteAllBytes(truncated, png[..(png.Length / 2)]);
        var garbage = PathOf("garbage.jpg");
        File.WriteAllBytes(garbage, "not an image at all"u8.ToArray());
        var empty = PathOf("empty.png");
        File.WriteAllBytes(empty, []);
        foreach (var path in new[] { truncated, garbage, empty })
        {
            var e = Assert.Throws<InvalidDataException>(() => ImageIO.Read(path));
            Assert.Contains(path, e.Message);
        }
        var missing = PathOf("missing.png");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => ImageIO.Read(missing)).Message);
        Assert.Contains("19 bytes", Assert.Throws<InvalidDataException>(() => ImageIO.Decode("not an image at all"u8)).Message);
    }

    [Fact]
    public void EncodeValidatesItsArguments()
    {
        using var image = TestImages.Random(2, 2, 3, seed: 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ImageIO.Encode(image, ImageFormat.Jpeg, quality: 101));
        Assert.Equal("quality", e.ParamName);
        var gif = PathOf("x.gif");
        Assert.Contains(gif, Assert.Throws<ArgumentException>(() => ImageIO.Write(gif, image)).Message);
        using var floats = torch.zeros(2, 2, 3);
        Assert.Contains("uint8 (H, W, C)", Assert.Throws<TorchException>(() => ImageIO.Encode(floats)).Message);
    }
}
