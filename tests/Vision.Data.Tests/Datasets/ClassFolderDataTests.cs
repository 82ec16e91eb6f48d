using Vision.Data.Datasets;
using Vision.Data.Image;
using Vision.Data.Loading;

namespace Vision.Data.Tests.Datasets;

public sealed class ClassFolderDataTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("vision-classfolders-");

    public void Dispose() => dir.Delete(recursive: true);

    // Class c gets sizes[c] (0: no folder) 4x4 gray PNGs whose every pixel is 10·c + i, so a decoded image names its file.
    private string MakeTree(string name, params int[] sizes)
    {
        var root = Path.Combine(dir.FullName, name);
        for (var c = 0; c < sizes.Length; c++)
        {
            if (sizes[c] == 0)
            {
                continue;
            }
            var folder = Directory.CreateDirectory(Path.Combine(root, $"class{c}")).FullName;
            for (var i = 0; i < sizes[c]; i++)
            {
                using var image = TestImages.Make(4, 4, 1, (_, _, _) => 10 * c + i);
                ImageIO.Write(Path.Combine(folder, $"img{i}.png"), image);
            }
        }
        return root;
    }

    // (label, pixel value) of every sample the loader yields in one epoch.
    private static List<(long Label, int Pixel)> Read(DataLoader loader)
    {
        var seen = new List<(long, int)>();
        foreach (var batch in loader)
        {
            using (batch)
            {
                var labels = batch.Targets.data<long>().ToArray();
                var pixels = batch.Images.reshape(batch.Count, -1).select(1, 0).to(ScalarType.Int32).data<int>().ToArray();
                seen.AddRange(labels.Zip(pixels));
            }
        }
        return seen;
    }

    [Fact]
    public void SplitHoldsOutTheSameStratifiedShareAsTheDatasetSplitter()
    {
        var root = MakeTree("photos", 8, 4);
        using var data = ClassFolderData.Split(root, valFraction: 0.25, [], [], batchSize: 3, workers: 0, seed: 5);

        Assert.Equal(["class0", "class1"], data.Classes);
        Assert.Null(data.Test);
        Assert.Same(data.Val, data.TestOrVal);
        var train = Read(data.Train);
        var val = Read(data.Val);
        // Per class: train = round(0.75 n): 6 + 3 training, 2 + 1 validation images; together every image once.
        Assert.Equal([6, 3], [train.Count(s => s.Label == 0), train.Count(s => s.Label == 1)]);
        Assert.Equal([2, 1], [val.Count(s => s.Label == 0), val.Count(s => s.Label == 1)]);
        Assert.Equal(12, train.Concat(val).Select(s => s.Pixel).Distinct().Count());
        Assert.All(train.Concat(val), s => Assert.Equal(s.Label, s.Pixel / 10));
        // The validation images are exactly the ones DatasetSplitter writes for the same ratios and seed.
        var written = DatasetSplitter.Split(root, Path.Combine(dir.FullName, "split"), train: 0.75, val: 0.25, seed: 5, output: SplitOutput.ListFile);
        var expectedPixels = written.Val.Select(s => 10 * s.Label + int.Parse(Path.GetFileNameWithoutExtension(s.Path)[3..], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expectedPixels.Order(), val.Select(s => s.Pixel).Order());
    }

    [Fact]
    public void SplitRejectsAFractionOutsideTheUnitIntervalAndOneThatLeavesNoValidationImage()
    {
        var root = MakeTree("few", 2, 2);
        var outside = Assert.Throws<ArgumentException>(() => ClassFolderData.Split(root, 1.0, [], [], 2, 0, 0));
        Assert.Contains("valFraction must lie in (0, 1), got 1", outside.Message);
        var none = Assert.Throws<ArgumentException>(() => ClassFolderData.Split(root, 0.1, [], [], 2, 0, 0));
        Assert.Contains($"valFraction 0.1 of the 4 images in {root} leaves no validation image", none.Message);
    }

    [Fact]
    public void OpenIndexesValidationAndTestFoldersWithTheTrainingClasses()
    {
        var root = MakeTree("split/train", 3, 2, 1);
        MakeTree("split/val", 1, 1, 2);
        MakeTree("split/test", 2, 1, 1);
        using var data = ClassFolderData.Open(Path.Combine(dir.FullName, "split"), [], [], batchSize: 4, workers: 0, seed: 0);

        Assert.Equal(["class0", "class1", "class2"], data.Classes);
        Assert.Equal(6, Read(data.Train).Count);
        Assert.Equal([(0L, 0), (1L, 10), (2L, 20), (2L, 21)], Read(data.Val));
        Assert.Same(data.Test, data.TestOrVal);
        Assert.Equal([(0L, 0), (0L, 1), (1L, 10), (2L, 20)], Read(data.Test!));
        Assert.True(Directory.Exists(root));
    }

    [Fact]
    public void SubsetReissuesSamplesWithItsOwnIndicesAndRejectsOutOfRangeOnes()
    {
        var folder = new ImageFolder(MakeTree("subset", 3));
        var subset = new Subset(folder, [2, 0]);
        using var first = subset.Get(0);
        Assert.Equal(0, first.Index);
        Assert.Equal(2, first.Image[0, 0, 0].item<byte>());
        Assert.EndsWith("img2.png", first.Source);
        Assert.Equal(folder.Classes, subset.Classes);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Subset(folder, [3]));
        Assert.Contains("index 3 is outside the dataset of 3 samples", error.Message);
    }
}
