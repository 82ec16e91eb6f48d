using Vision.Serialization;
using Vision.Tests.nn;

namespace Vision.Tests.Serialization;

public sealed class ModuleSerializationTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("vision-module-io-");

    public void Dispose() => dir.Delete(recursive: true);

    [Fact]
    public void SaveThenLoadReproducesOutputsAndBuffers()
    {
        using var scope = torch.NewDisposeScope();
        var path = Path.Combine(dir.FullName, "tiny.safetensors");
        using var source = new TinyNet(3);
        source.train();
        source.forward(torch.randn(4, 3, 8, 8)); // moves BatchNorm's running statistics away from their defaults
        source.eval();
        source.save(path, new Dictionary<string, string> { ["arch"] = "tiny" });

        using var target = new TinyNet(3);
        target.eval();
        var keys = target.load(path);

        Assert.Empty(keys.missing_keys);
        Assert.Empty(keys.unexpected_keys);
        Assert.Equal("tiny", SafeTensors.ReadMetadata(path)["arch"]);
        Assert.Equal(1, target.bn.num_batches_tracked!.item<long>());
        var x = torch.randn(2, 3, 8, 8);
        Assert.Equal(source.forward(x).data<float>(), target.forward(x).data<float>());
    }

    [Fact]
    public void LoadingIntoAnotherShapeFailsAndLeavesTheModelUnchanged()
    {
        using var scope = torch.NewDisposeScope();
        var path = Path.Combine(dir.FullName, "three-classes.safetensors");
        using (var source = new TinyNet(3))
        {
            source.save(path);
        }
        using var target = new TinyNet(5);
        var before = target.head.weight.clone();
        var e = Assert.Throws<ArgumentException>(() => target.load(path));
        Assert.Contains("head.weight", e.Message);
        Assert.True(before.equal(target.head.weight));
    }
}
