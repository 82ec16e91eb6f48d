using System.Text.Json;
using Vision.Data.Datasets;
using Vision.Data.Image;
using Vision.Data.Transforms;
using Vision.Tests.Reference;

namespace Vision.Data.Tests.Image;

/// <summary>
/// JPEGs are decoded straight through libjpeg, and a RandomResizedCrop decodes only its box: both must give PIL's
/// pixels (torchvision's decoder), and the box decode exactly the crop of the whole decode.
/// </summary>
public sealed class EncodedImageTests : IDisposable
{
    // PIL save options for each kind of JPEG a dataset holds: chroma subsampling 4:2:0 (PIL's default), 4:2:2 and
    // 4:4:4, progressive, grayscale, a size that is no multiple of the 16-pixel blocks, and restart markers.
    private static readonly Dictionary<string, string> Kinds = new()
    {
        ["s420"] = "mode='RGB', size=(160, 120), quality=90, subsampling=2",
        ["s422"] = "mode='RGB', size=(160, 120), quality=90, subsampling=1",
        ["s444"] = "mode='RGB', size=(160, 120), quality=95, subsampling=0",
        ["progressive"] = "mode='RGB', size=(160, 120), quality=90, progressive=True",
        ["gray"] = "mode='L', size=(131, 97), quality=90",
        ["odd"] = "mode='RGB', size=(131, 97), quality=85, subsampling=2",
        ["restarts"] = "mode='RGB', size=(160, 120), quality=90, restart_marker_rows=1",
    };

    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("vision-encoded-");

    public void Dispose() => dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(dir.FullName, name);

    // Writes KIND.jpg (noisy colour, so chroma upsampling matters at every box edge) and KIND.png, PIL's decode of it.
    private void WriteJpegsWithPilDecodes()
    {
        var kinds = JsonSerializer.Serialize(Kinds.ToDictionary(k => k.Key, k => PathOf(k.Key)));
        TorchReference.Run($$"""
            from PIL import Image
            rng = np.random.default_rng(0)
            options = {{{string.Join(", ", Kinds.Select(k => $"'{k.Key}': dict({k.Value})"))}}}
            for kind, stem in {{kinds}}.items():
                o = dict(options[kind]); mode = o.pop('mode'); w, h = o.pop('size')
                yy, xx = np.mgrid[0:h, 0:w]
                smooth = np.stack([128 + 100 * np.sin(xx / 9 + c) * np.cos(yy / 7 - c) for c in range(3)], -1)
                pixels = np.clip(smooth + rng.normal(0, 25, smooth.shape), 0, 255).astype(np.uint8)
                image = Image.fromarray(pixels).convert(mode)
                image.save(stem + '.jpg', **o)
                Image.open(stem + '.jpg').convert('RGB' if mode == 'RGB' else 'L').save(stem + '.png')
            out = {}
            """);
    }

    [SkippableFact]
    public void JpegsDecodeToPilsPixels()
    {
        TorchReference.Require();
        WriteJpegsWithPilDecodes();
        foreach (var kind in Kinds.Keys)
        {
            var mode = kind == "gray" ? ImageReadMode.Grayscale : ImageReadMode.Rgb;
            using var encoded = EncodedImage.Read(PathOf(kind + ".jpg"), mode);
            Assert.NotNull(encoded.BoxDecodableSize);
            using var decoded = encoded.Decode();
            using var pil = ImageIO.Read(PathOf(kind + ".png"), mode);
            Assert.True(pil.equal(decoded), $"{kind}: the decode differs from PIL's");
            Assert.Equal((pil.shape[0], pil.shape[1]), (encoded.BoxDecodableSize!.Value.Height, encoded.BoxDecodableSize.Value.Width));
        }
    }

    [SkippableFact]
    public void ABoxDecodeEqualsTheCropOfTheWholeDecode()
    {
        TorchReference.Require();
        WriteJpegsWithPilDecodes();
        var rng = new Random(7);
        foreach (var kind in Kinds.Keys)
        {
            using var encoded = EncodedImage.Read(PathOf(kind + ".jpg"), kind == "gray" ? ImageReadMode.Grayscale : ImageReadMode.Rgb);
            using var whole = encoded.Decode();
            var (h, w) = encoded.BoxDecodableSize!.Value;
            // Random boxes, plus the corners, a single pixel, a full row and the whole image.
            var boxes = Enumerable.Range(0, 40).Select(_ =>
            {
                int bh = rng.Next(1, h + 1), bw = rng.Next(1, w + 1);
                return (Top: rng.Next(h - bh + 1), Left: rng.Next(w - bw + 1), Height: bh, Width: bw);
            }).Concat([(0, 0, 17, 23), (h - 17, w - 23, 17, 23), (h / 2, w / 2, 1, 1), (h - 1, 0, 1, w), (0, 0, h, w)]);
            foreach (var (top, left, bh, bw) in boxes)
            {
                foreach (var (oh, ow, interpolation) in new[] { (bh, bw, Interpolation.Nearest), (29, 37, Interpolation.Bilinear) })
                {
                    using var expected = ImageOps.ResizedCrop(whole, top, left, bh, bw, oh, ow, interpolation);
                    using var actual = encoded.DecodeResizedCrop(top, left, bh, bw, oh, ow, interpolation);
                    Assert.True(expected.equal(actual), $"{kind}: box (top {top}, left {left}, {bh}x{bw}) to {oh}x{ow} {interpolation} differs");
                }
            }
        }
    }

    [Fact]
    public void RandomResizedCropOfAFileSampleEqualsItOnTheDecodedImage()
    {
        using var image = TestImages.Make(150, 200, 3, (y, x, c) => (y * 3 + x * 5 + c * 70 + (x * y % 13) * 9) % 256);
        var path = PathOf("image.jpg");
        ImageIO.Write(path, image, quality: 90);
        var folder = Path.Combine(dir.FullName, "folder", "a");
        Directory.CreateDirectory(folder);
        File.Copy(path, Path.Combine(folder, "image.jpg"));
        var dataset = new ImageFolder(Path.Combine(dir.FullName, "folder"));
        var crop = new RandomResizedCrop(64);
        for (var seed = 0; seed < 20; seed++)
        {
            using var lazy = dataset.Get(0);
            Assert.NotNull(lazy.Encoded);
            using var eager = new DataSample(ImageIO.Read(path), 0, 0, path);
            crop.Apply(lazy, new Random(seed));
            crop.Apply(eager, new Random(seed));
            Assert.Null(lazy.Encoded);
            Assert.True(eager.Image.equal(lazy.Image), $"seed {seed}: the crops differ");
        }
    }

    [Fact]
    public void FilesTheBoxDecoderDoesNotTakeStillDecodeWhole()
    {
        // An EXIF rotation, a PNG and a JPEG cut short after its header: OpenCV decodes those, as before.
        using var image = TestImages.Random(40, 56, 3, seed: 3);
        var jpeg = ImageIO.Encode(image, ImageFormat.Jpeg, quality: 90);
        File.WriteAllBytes(PathOf("rotated.jpg"), ImageIOTests.WithExifOrientation(jpeg, 6));
        File.WriteAllBytes(PathOf("image.png"), ImageIO.Encode(image));
        File.WriteAllBytes(PathOf("cut.jpg"), jpeg[..(jpeg.Length * 2 / 3)]);
        using (var rotated = EncodedImage.Read(PathOf("rotated.jpg")))
        {
            Assert.Null(rotated.BoxDecodableSize);
            using var decoded = rotated.Decode();
            Assert.Equal(new long[] { 56, 40, 3 }, decoded.shape);
        }
        using (var png = EncodedImage.Read(PathOf("image.png")))
        {
            Assert.Null(png.BoxDecodableSize);
            using var decoded = png.DecodeResizedCrop(4, 6, 20, 30, 20, 30, Interpolation.Nearest);
            using var expected = ImageOps.ResizedCrop(image, 4, 6, 20, 30, 20, 30, Interpolation.Nearest);
            Assert.True(expected.equal(decoded));
        }
        // The header is whole, so the box decoder takes the file; libjpeg's warning about the missing data hands
        // the decode to OpenCV, and box and whole decodes still agree.
        using var cut = EncodedImage.Read(PathOf("cut.jpg"));
        Assert.Equal((40, 56), cut.BoxDecodableSize);
        using var whole = cut.Decode();
        using var box = cut.DecodeResizedCrop(30, 10, 10, 40, 10, 40, Interpolation.Nearest);
        using var crop = ImageOps.ResizedCrop(whole, 30, 10, 10, 40, 10, 40, Interpolation.Nearest);
        Assert.True(crop.equal(box));
    }

    [Fact]
    public void ABoxOutsideTheImageIsAnErrorNamingTheFile()
    {
        using var image = TestImages.Random(40, 56, 3, seed: 4);
        var path = PathOf("small.jpg");
        ImageIO.Write(path, image, quality: 90);
        using var encoded = EncodedImage.Read(path);
        var e = Assert.Throws<InvalidDataException>(() => encoded.DecodeResizedCrop(30, 0, 20, 10, 8, 8, Interpolation.Bilinear));
        Assert.Contains(path, e.Message);
        Assert.Contains("not inside the 40x56 image", e.Message);
        encoded.Dispose();
        Assert.Throws<ObjectDisposedException>(() => encoded.Decode());
    }
}
