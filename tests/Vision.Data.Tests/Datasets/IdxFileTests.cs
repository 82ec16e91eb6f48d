using System.IO.Compression;
using Vision.Data.Datasets;
using F = Vision.nn.functional;

namespace Vision.Data.Tests.Datasets;

public sealed class IdxFileTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("vision-idx-");

    public void Dispose() => dir.Delete(recursive: true);

    private static byte[] Idx(byte dims, int[] shape, byte[] data) =>
        [0, 0, 0x08, dims, .. shape.SelectMany(d => new[] { (byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d }), .. data];

    private string Write(string name, byte[] bytes, bool gzip)
    {
        var path = Path.Combine(dir.FullName, name + (gzip ? ".gz" : ""));
        using var file = File.Create(path);
        if (gzip)
        {
            using var z = new GZipStream(file, CompressionLevel.Fastest);
            z.Write(bytes);
        }
        else
        {
            file.Write(bytes);
        }
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsShapeAndRowMajorValues(bool gzip)
    {
        var data = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)(i * 7)).ToArray();
        var path = Write("images", Idx(3, [2, 3, 4], data), gzip);
        using var t = IdxFile.ReadBytes(path);
        Assert.Equal(new long[] { 2, 3, 4 }, t.shape);
        Assert.Equal(ScalarType.Byte, t.dtype);
        Assert.Equal(data, t.data<byte>());
        using var element = t[1, 2, 3];
        Assert.Equal(data[1 * 12 + 2 * 4 + 3], element.item<byte>());
    }

    [Fact]
    public void TruncatedFileNamesFileAndWhatIsMissing()
    {
        var bytes = Idx(1, [10], new byte[7]);
        var path = Write("labels", bytes, gzip: true);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadBytes(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("7 of the 10 bytes", e.Message);
    }

    [Fact]
    public void WrongMagicIsRejected()
    {
        var path = Write("float", [0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0], gzip: false);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.ReadBytes(path));
        Assert.Contains("not a uint8 IDX file", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void CorruptGzipNamesFile()
    {
        var path = Path.Combine(dir.FullName, "bad.gz");
        File.WriteAllBytes(path, [0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var e = Assert.ThrowsAny<Exception>(() => IdxFile.ReadBytes(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void MissingFashionMnistFolderSaysHowToInstall()
    {
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(train: true, root: dir.FullName));
        Assert.Contains("dataset-fashion-mnist", e.Message);
    }

    [SkippableFact]
    public void LoadsDebianFashionMnistWithBalancedClasses()
    {
        Skip.IfNot(File.Exists(Path.Combine(FashionMnist.DefaultRoot, "t10k-labels-idx1-ubyte.gz")),
            "Debian's dataset-fashion-mnist is not installed (sudo apt-get install dataset-fashion-mnist).");
        using var test = FashionMnist.Load(train: false);
        Assert.Equal(new long[] { 10000, 28, 28 }, test.Images.shape);
        Assert.Equal(10000, test.Count);
        using var scope = torch.NewDisposeScope();
        // The test split holds exactly 1,000 images of each class.
        var counts = F.one_hot(test.Labels, 10).sum(0).data<long>();
        Assert.All(counts, c => Assert.Equal(1000, c));
        // As a dataset: single-channel (28, 28, 1) copies with their labels and the class names.
        IDataset dataset = test;
        Assert.Equal("Ankle boot", dataset.Classes[9]);
        using var sample = dataset.Get(17);
        Assert.Equal(new long[] { 28, 28, 1 }, sample.Image.shape);
        Assert.Equal(test.Images[17].data<byte>(), sample.Image.data<byte>());
        Assert.Equal(test.Labels[17].item<long>(), sample.Label);
    }
}
