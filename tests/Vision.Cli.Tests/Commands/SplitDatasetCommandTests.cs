namespace Vision.Cli.Tests.Commands;

public sealed class SplitDatasetCommandTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("vision-cli-split-");

    public SplitDatasetCommandTests()
    {
        // 10 cats and 5 dogs of 2×2 pixels.
        for (var i = 0; i < 10; i++)
        {
            TestImages.Noise(Path.Combine(Source, "cat", $"cat{i}.png"), 2, 2, seed: i);
        }
        for (var i = 0; i < 5; i++)
        {
            TestImages.Noise(Path.Combine(Source, "dog", $"dog{i}.png"), 2, 2, seed: 100 + i);
        }
    }

    public void Dispose() => root.Delete(recursive: true);

    private string Source => Path.Combine(root.FullName, "source");

    private string Output => Path.Combine(root.FullName, "out");

    private int Images(string split, string label) => Directory.GetFiles(Path.Combine(Output, split, label)).Length;

    [Fact]
    public void TheDefaultSplitsEveryClassFourToOneIntoCopies()
    {
        var run = CliRun.Of("split-dataset", Source, Output, "--seed", "3").Succeeded();

        Assert.Equal((8, 2), (Images("train", "cat"), Images("val", "cat")));
        Assert.Equal((4, 1), (Images("train", "dog"), Images("val", "dog")));
        Assert.False(Directory.Exists(Path.Combine(Output, "test")));
        var rows = run.Rows();
        Assert.Equal(["class", "train", "val", "total"], rows[1]);
        Assert.Equal(["cat", "8", "2", "10"], rows[2]);
        Assert.Equal(["dog", "4", "1", "5"], rows[3]);
        Assert.Equal(["all", "12", "3", "15"], rows[4]);
        Assert.Contains("(copy, seed 3)", run.Out);
        // Every source image lands in exactly one split.
        var written = Directory.GetFiles(Output, "*.png", SearchOption.AllDirectories).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(Directory.GetFiles(Source, "*.png", SearchOption.AllDirectories).Select(Path.GetFileName).Order().ToList(), written);
    }

    [Fact]
    public void ATestShareWritesAnnotationFilesStratifiedPerClass()
    {
        var run = CliRun.Of("split-dataset", Source, Output, "--val", "0.2", "--test", "0.2", "--mode", "annotation").Succeeded();

        // Per class, cut at round(n·0.6) and round(n·0.8): cats 6/2/2, dogs 3/1/1.
        int Count(string split, string label) => File.ReadAllLines(Path.Combine(Output, split + ".txt")).Count(l => l.EndsWith(" " + label, StringComparison.Ordinal));
        Assert.Equal((6, 2, 2), (Count("train", "0"), Count("val", "0"), Count("test", "0")));
        Assert.Equal((3, 1, 1), (Count("train", "1"), Count("val", "1"), Count("test", "1")));
        Assert.Equal(["cat", "dog"], File.ReadAllLines(Path.Combine(Output, "classes.txt")));
        Assert.Equal(["all", "9", "3", "3", "15"], run.Rows()[^1]);
        Assert.False(Directory.Exists(Path.Combine(Output, "train")));
    }

    [Fact]
    public void TheSameSeedGivesTheSameSplitAndAnotherSeedAnother()
    {
        IReadOnlyList<string> Val(string output, string seed)
        {
            CliRun.Of("split-dataset", Source, output, "--seed", seed, "--mode", "annotation").Succeeded();
            return File.ReadAllLines(Path.Combine(output, "val.txt"));
        }
        var first = Val(Path.Combine(root.FullName, "a"), "7");
        Assert.Equal(first, Val(Path.Combine(root.FullName, "b"), "7"));
        Assert.NotEqual(first, Val(Path.Combine(root.FullName, "c"), "8"));
    }

    [Fact]
    public void SharesLeavingNoTrainingDataAreAnErrorNamingBothOptions()
    {
        var run = CliRun.Of("split-dataset", Source, Output, "--val", "0.6", "--test", "0.4").Failed();
        Assert.Contains("--val (0.6) and --test (0.4)", run.Err);
        Assert.False(Directory.Exists(Output));
    }

    [Fact]
    public void AnExistingSplitIsNotOverwritten()
    {
        CliRun.Of("split-dataset", Source, Output).Succeeded();
        var run = CliRun.Of("split-dataset", Source, Output).Failed();
        Assert.Contains(Path.Combine(Output, "train"), run.Err);
    }

    [Fact]
    public void AMissingSourceFolderIsAnErrorNamingIt()
    {
        var missing = Path.Combine(root.FullName, "nothing-here");
        var run = CliRun.Of("split-dataset", missing, Output).Failed();
        Assert.Contains(missing, run.Err);
    }

    [Fact]
    public void AnUnknownModeIsAParseErrorListingTheModes()
    {
        var run = CliRun.Of("split-dataset", Source, Output, "--mode", "hardlink");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("hardlink", run.Err);
        Assert.Contains("annotation", run.Err);
    }
}
