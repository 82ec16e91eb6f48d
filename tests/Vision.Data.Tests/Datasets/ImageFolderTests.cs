using Vision.Data.Datasets;
using Vision.Data.Image;

namespace Vision.Data.Tests.Datasets;

public sealed class ImageFolderTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("vision-imagefolder-");

    public void Dispose() => root.Delete(recursive: true);

    private string Combine(string relative) => Path.Combine(root.FullName, relative);

    // A real PNG whose first pixel encodes n, so tests can tell the files apart after decoding.
    private void Image(string relative, int n = 0)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Combine(relative))!);
        using var image = TestImages.Make(4, 5, 3, (y, x, c) => y + x + c == 0 ? n : 100);
        ImageIO.Write(Combine(relative), image);
    }

    private void Text(string relative, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Combine(relative))!);
        File.WriteAllText(Combine(relative), content);
    }

    [Fact]
    public void ClassPerFolderSortsClassesAndFilesOrdinally()
    {
        Image("cat/b.png", 1);
        Image("cat/A.PNG", 2);
        Image("cat/sub/c.png", 3);
        Image("Dog/x.png", 4);
        Image("bird/y.png", 5);
        Text("bird/notes.txt", "not an image");
        Text("readme.md", "top-level files are not classes");
        var dataset = new ImageFolder(root.FullName);
        Assert.Equal(["Dog", "bird", "cat"], dataset.Classes); // ordinal: upper case first, as Python's sorted
        Assert.Equal([("Dog/x.png", 0), ("bird/y.png", 1), ("cat/A.PNG", 2), ("cat/b.png", 2), ("cat/sub/c.png", 2)], dataset.Samples);
        Assert.Equal(5, dataset.Count);
        using var sample = dataset.Get(3);
        Assert.Equal((2L, 3), (sample.Label, sample.Index));
        Assert.Equal(Combine("cat/b.png"), sample.Source);
        Assert.Equal(new long[] { 4, 5, 3 }, sample.Image.shape);
        Assert.Equal(1, sample.Image.data<byte>()[0]);
    }

    [Fact]
    public void GivenClassesChooseFoldersAndOrder()
    {
        Image("cat/a.png");
        Image("dog/a.png");
        Image("bird/a.png");
        var dataset = new ImageFolder(root.FullName, classes: ["dog", "cat"], mode: ImageReadMode.Grayscale);
        Assert.Equal([("dog/a.png", 0), ("cat/a.png", 1)], dataset.Samples);
        using var sample = dataset.Get(0);
        Assert.Equal(new long[] { 4, 5, 1 }, sample.Image.shape);
        var e = Assert.Throws<DirectoryNotFoundException>(() => new ImageFolder(root.FullName, classes: ["cat", "fish"]));
        Assert.Contains("'fish'", e.Message);
    }

    [Fact]
    public void EmptyClassFolderIsAnError()
    {
        Image("cat/a.png");
        Directory.CreateDirectory(Combine("dog"));
        Text("fish/a.gif", "GIF89a");
        var e = Assert.Throws<InvalidDataException>(() => new ImageFolder(root.FullName));
        Assert.Contains("'dog' (empty)", e.Message);
        Assert.Contains("'fish' (1 files of types .gif)", e.Message);
        Assert.Contains(".png", e.Message);
    }

    [Fact]
    public void ExtensionsAreValidated()
    {
        Image("cat/a.png");
        Image("cat/b.jpg");
        var e = Assert.Throws<ArgumentException>(() => new ImageFolder(root.FullName, extensions: [".png", ".gif"]));
        Assert.Equal("extensions", e.ParamName);
        Assert.Contains(".gif", e.Message);
        Assert.Equal([("cat/b.jpg", 0)], new ImageFolder(root.FullName, extensions: [".JPG"]).Samples);
    }

    [Fact]
    public void AnnotationFileListsSamples()
    {
        Image("images/one.png", 1);
        Image("images/two words.png", 2);
        Text("train.txt", "images/one.png 1\n\n  images/two words.png\t0  \n");
        var dataset = new ImageFolder(root.FullName, Combine("train.txt"), classes: ["a", "b"]);
        Assert.Equal([("images/one.png", 1), ("images/two words.png", 0)], dataset.Samples);
        Assert.Equal(["a", "b"], dataset.Classes);
        using var sample = dataset.Get(1);
        Assert.Equal(2, sample.Image.data<byte>()[0]);
        // Without class names the labels name themselves.
        Assert.Equal(["0", "1"], new ImageFolder(root.FullName, Combine("train.txt")).Classes);
    }

    [Theory]
    [InlineData("a.png 0\nb.png\n", 2, "expected '<relative path> <label>'")]
    [InlineData("a.png 0\n\nb.png x\n", 3, "label 'x' is not a non-negative integer")]
    [InlineData("a.png -1\n", 1, "label '-1'")]
    [InlineData("a.png 0\nb.png 5\n", 2, "label 5 is out of range for the 2 classes")]
    [InlineData("a.gif 0\n", 1, "'a.gif' does not have an image extension")]
    public void BadAnnotationLinesNameFileAndLine(string content, int line, string message)
    {
        Text("ann.txt", content);
        var e = Assert.Throws<InvalidDataException>(() => new ImageFolder(root.FullName, Combine("ann.txt"), classes: ["a", "b"]));
        Assert.Contains($"{Combine("ann.txt")}:{line}: ", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void MissingThingsAreNamed()
    {
        var missingRoot = Combine("nowhere");
        Assert.Contains(missingRoot, Assert.Throws<DirectoryNotFoundException>(() => new ImageFolder(missingRoot)).Message);
        Assert.Contains("no class folders", Assert.Throws<InvalidDataException>(() => new ImageFolder(root.FullName)).Message);
        var missingFile = Combine("missing.txt");
        Assert.Contains(missingFile, Assert.Throws<FileNotFoundException>(() => new ImageFolder(root.FullName, missingFile)).Message);
        Text("empty.txt", "\n\n");
        Assert.Contains("lists no samples", Assert.Throws<InvalidDataException>(() => new ImageFolder(root.FullName, Combine("empty.txt"))).Message);
        Text("ghost.txt", "ghost.png 0\n");
        var dataset = new ImageFolder(root.FullName, Combine("ghost.txt"));
        Assert.Contains(Combine("ghost.png"), Assert.Throws<FileNotFoundException>(() => dataset.Get(0)).Message);
        Text("bad/broken.png", "definitely not a png");
        var broken = new ImageFolder(root.FullName, classes: ["bad"]);
        Assert.Contains(Combine("bad/broken.png"), Assert.Throws<InvalidDataException>(() => broken.Get(0)).Message);
    }

    [Fact]
    public void ASymbolicLinkLoopIsAnErrorNamingTheLinkAndOtherLinksAreFollowed()
    {
        Image("cat/a.png", 1);
        Image("dog/b.png", 2);
        Image("elsewhere/c.png", 3);
        Directory.CreateSymbolicLink(Combine("cat/loop"), root.FullName);

        // Followed, the link would index the whole tree again inside "cat", deeper each time and with dog's images as cats.
        var e = Assert.Throws<InvalidDataException>(() => new ImageFolder(root.FullName, classes: ["cat", "dog"]));
        Assert.Equal($"ImageFolder: {Combine("cat/loop")} is a symbolic link to {root.FullName}, a folder it is inside of: the folder tree loops.", e.Message);

        Directory.Delete(Combine("cat/loop"));
        Directory.CreateSymbolicLink(Combine("cat/more"), Combine("elsewhere"));
        Assert.Equal([("cat/a.png", 0), ("cat/more/c.png", 0), ("dog/b.png", 1)], new ImageFolder(root.FullName, classes: ["cat", "dog"]).Samples);
    }
}
