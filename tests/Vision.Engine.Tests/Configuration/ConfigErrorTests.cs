using Vision.Engine.Configuration;

namespace Vision.Engine.Tests.Configuration;

public sealed class ConfigErrorTests
{
    [Fact]
    public void MalformedJsonNamesFileAndLine()
    {
        using var files = new ConfigFiles();
        var broken = files.Write("_base_/broken.json", "{\n  \"a\": 1,\n  \"b\": ,\n  \"c\": 2\n}\n");
        var entry = files.Write("main.json", """{ "_base_": ["_base_/broken.json"] }""");
        var e = Assert.Throws<InvalidDataException>(() => Config.FromFile(entry));
        Assert.StartsWith($"{broken}: invalid JSON at line 3, position 8:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CyclesNameTheFilesInOrder()
    {
        using var files = new ConfigFiles();
        var a = files.Write("a.json", """{ "_base_": "sub/b.json" }""");
        var b = files.Write("sub/b.json", """{ "_base_": ["c.json"] }""");
        var c = files.Write("sub/c.json", """{ "_base_": ["../a.json"] }""");
        var e = Assert.Throws<InvalidDataException>(() => Config.FromFile(a));
        Assert.Equal($"The _base_ files form a cycle: {a} -> {b} -> {c} -> {a}.", e.Message);
        var self = files.Write("self.json", """{ "_base_": ["self.json"] }""");
        e = Assert.Throws<InvalidDataException>(() => Config.FromFile(self));
        Assert.Equal($"The _base_ files form a cycle: {self} -> {self}.", e.Message);
    }

    [Fact]
    public void MissingBaseNamesTheIncludingFile()
    {
        using var files = new ConfigFiles();
        var entry = files.Write("configs/main.json", """{ "_base_": ["../_base_/missing.json"] }""");
        var e = Assert.Throws<FileNotFoundException>(() => Config.FromFile(entry));
        Assert.Equal($"{entry}: the base config '../_base_/missing.json' ({Path.Combine(files.Root, "_base_", "missing.json")}) not found.", e.Message);
        e = Assert.Throws<FileNotFoundException>(() => Config.FromFile(Path.Combine(files.Root, "nothing.json")));
        Assert.Contains("nothing.json not found", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "_base_": 3 }""", "$._base_ must be a path or a list of paths relative to the file, got 3.")]
    [InlineData("""{ "_base_": ["ok.json", ""] }""", "$._base_[1] must be a path or a list of paths relative to the file, got \"\".")]
    [InlineData("""{ "model": { "head": { "_delete_": "yes" } } }""", "$.model.head._delete_ must be true or false, got \"yes\".")]
    [InlineData("""[1, 2]""", "a config file must hold one JSON object, got Array.")]
    [InlineData("""{ "a": [{ "b": 1, "b": 2 }] }""", "$.a[0] has the key 'b' twice (as 'b'); keys compare ignoring case.")]
    public void MalformedKeysNameFileAndJsonPath(string text, string message)
    {
        using var files = new ConfigFiles();
        files.Write("ok.json", "{}");
        var entry = files.Write("main.json", text);
        var e = Assert.Throws<InvalidDataException>(() => Config.FromFile(entry));
        Assert.Equal($"{entry}: {message}", e.Message);
    }

    [Fact]
    public void RepeatedKeysNameTheFile()
    {
        using var files = new ConfigFiles();
        var entry = files.Write("main.json", """{ "optimizer": { "lr": 0.1, "LR": 0.2 } }""");
        var e = Assert.Throws<InvalidDataException>(() => Config.FromFile(entry));
        Assert.Equal($"{entry}: $.optimizer has the key 'lr' twice (as 'LR'); keys compare ignoring case.", e.Message);
    }
}
