using Vision.Data.Datasets;

namespace Vision.Data.Tests.Datasets;

public sealed class DatasetSplitterTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("vision-split-");

    public void Dispose() => dir.Delete(recursive: true);

    private string Source => Path.Combine(dir.FullName, "source");

    private string Output(string name) => Path.Combine(dir.FullName, name);

    // Class c has sizes[c] files (contents are not decoded when splitting).
    private void MakeTree(params int[] sizes)
    {
        for (var c = 0; c < sizes.Length; c++)
        {
            var folder = Path.Combine(Source, $"class{c}");
            Directory.CreateDirectory(folder);
            for (var i = 0; i < sizes[c]; i++)
            {
                File.WriteAllText(Path.Combine(folder, $"img{i:D3}.jpg"), $"{c}/{i}");
            }
        }
    }

    [Fact]
    public void SplitIsStratifiedAndCopiesFiles()
    {
        MakeTree(100, 40, 7);
        var split = DatasetSplitter.Split(Source, Output("copy"), train: 0.7, val: 0.2, test: 0.1, seed: 3);
        // Per class: train = round(0.7 n), val = round(0.9 n) - train, halves rounded up.
        int[][] expected = [[70, 20, 10], [28, 8, 4], [5, 1, 1]];
        for (var c = 0; c < 3; c++)
        {
            Assert.Equal(expected[c], new[] { split.Train, split.Val, split.Test }.Select(s => s.Count(x => x.Label == c)));
        }
        var all = split.Train.Concat(split.Val).Concat(split.Test).Select(s => s.Path).ToArray();
        Assert.Equal(147, all.Distinct().Count());
        foreach (var (name, samples) in new[] { ("train", split.Train), ("val", split.Val), ("test", split.Test) })
        {
            var files = Directory.GetFiles(Output($"copy/{name}"), "*", SearchOption.AllDirectories);
            Assert.Equal(samples.Count, files.Length);
            foreach (var (path, label) in samples)
            {
                var copy = Path.Combine(Output("copy"), name, path);
                Assert.Equal(File.ReadAllText(Path.Combine(Source, path)), File.ReadAllText(copy));
                Assert.StartsWith($"class{label}/", path);
            }
        }
        // The copied tree is an ImageFolder with the same classes.
        Assert.Equal(split.Classes, new ImageFolder(Output("copy/train")).Classes);
    }

    [Fact]
    public void SameSeedSameSplitOtherSeedOtherSplit()
    {
        MakeTree(30, 30);
        var a = DatasetSplitter.Split(Source, Output("a"), 0.8, 0.2, seed: 1, output: SplitOutput.ListFile);
        var b = DatasetSplitter.Split(Source, Output("b"), 0.8, 0.2, seed: 1, output: SplitOutput.ListFile);
        var c = DatasetSplitter.Split(Source, Output("c"), 0.8, 0.2, seed: 2, output: SplitOutput.ListFile);
        Assert.Equal(a.Val, b.Val);
        Assert.NotEqual(a.Val, c.Val);
        Assert.Empty(a.Test);
        Assert.False(File.Exists(Output("a/test.txt")));
    }

    [Fact]
    public void ListFilesAndSymlinksPointAtTheSource()
    {
        MakeTree(5, 5);
        var split = DatasetSplitter.Split(Source, Output("lists"), 0.6, 0.4, output: SplitOutput.ListFile);
        Assert.Equal(["class0", "class1"], File.ReadAllLines(Output("lists/classes.txt")));
        var val = new ImageFolder(Source, Output("lists/val.txt"), classes: File.ReadAllLines(Output("lists/classes.txt")));
        Assert.Equal(split.Val, val.Samples);

        DatasetSplitter.Split(Source, Output("links"), 0.6, 0.4, output: SplitOutput.Symlink);
        var (path, _) = split.Train[0];
        var link = new FileInfo(Path.Combine(Output("links"), "train", path));
        Assert.Equal(Path.GetFullPath(Path.Combine(Source, path)), link.LinkTarget);
    }

    [Fact]
    public void BadRatiosAndExistingOutputAreRejected()
    {
        MakeTree(4);
        var e = Assert.Throws<ArgumentException>(() => DatasetSplitter.Split(Source, Output("x"), 0.7, 0.2));
        Assert.Contains("sum to 1, got train 0.7, val 0.2, test 0", e.Message);
        Assert.Throws<ArgumentException>(() => DatasetSplitter.Split(Source, Output("x"), 1.2, -0.2));
        Assert.Throws<ArgumentException>(() => DatasetSplitter.Split(Source, Output("x"), 0, 1));
        DatasetSplitter.Split(Source, Output("twice"), 0.5, 0.5);
        var io = Assert.Throws<IOException>(() => DatasetSplitter.Split(Source, Output("twice"), 0.5, 0.5));
        Assert.Contains(Path.Combine(Output("twice"), "train"), io.Message);
    }
}
