using Vision.Data.Datasets;

namespace Vision.Data.Tests.Datasets;

public sealed class InMemoryDatasetTests
{
    [Fact]
    public void GetCopiesOneImageWithItsLabel()
    {
        using var dataset = new InMemoryDataset(
            torch.arange(0, 2 * 3 * 4 * 3, dtype: ScalarType.Byte).reshape(2, 3, 4, 3), torch.tensor(new long[] { 1, 0 }, 2), ["a", "b"]);
        Assert.Equal(2, dataset.Count);
        Assert.Equal(["a", "b"], dataset.Classes);
        using var sample = dataset.Get(1);
        Assert.Equal((0L, 1), (sample.Label, sample.Index));
        Assert.Equal(new long[] { 3, 4, 3 }, sample.Image.shape);
        Assert.Equal(Enumerable.Range(36, 36).Select(v => (byte)v), sample.Image.data<byte>());
        // The sample owns a copy: changing it leaves the dataset alone.
        sample.Image.zero_();
        using var again = dataset.Get(1);
        Assert.Equal(36, again.Image.data<byte>()[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => dataset.Get(2));
    }

    [Fact]
    public void GrayscaleImagesGetAChannelAxis()
    {
        using var dataset = new InMemoryDataset(torch.zeros([5, 6, 7], ScalarType.Byte), torch.tensor(new long[] { 0, 2, 1, 2, 0 }, 5));
        Assert.Equal(["0", "1", "2"], dataset.Classes);
        using var sample = dataset.Get(4);
        Assert.Equal(new long[] { 6, 7, 1 }, sample.Image.shape);
    }

    [Fact]
    public void ShapesAndLabelsAreChecked()
    {
        Assert.Contains("uint8", Assert.Throws<ArgumentException>(() => new InMemoryDataset(torch.zeros(2, 3, 3), torch.zeros([2], ScalarType.Int64))).Message);
        Assert.Contains("shape (2)", Assert.Throws<ArgumentException>(() =>
            new InMemoryDataset(torch.zeros([2, 3, 3], ScalarType.Byte), torch.zeros([3], ScalarType.Int64))).Message);
        Assert.Contains("label 2 has no class name", Assert.Throws<ArgumentException>(() =>
            new InMemoryDataset(torch.zeros([2, 3, 3], ScalarType.Byte), torch.tensor(new long[] { 0, 2 }, 2), ["a", "b"])).Message);
    }
}
