using System.Text.Json;
using Vision.Serialization;
using Vision.Tests.Reference;

namespace Vision.Cli.Tests.Commands;

public sealed class ConvertCommandTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("vision-cli-convert-");

    public void Dispose() => root.Delete(recursive: true);

    private string File(string name) => Path.Combine(root.FullName, name);

    [SkippableFact]
    public void AnMMPreTrainCheckpointBecomesSafeTensorsWithVisionKeysAndBackATorchLoadableFile()
    {
        var pth = File("mmpretrain_vit.pth");
        var reference = TorchReference.Run($$$"""
            g = torch.Generator().manual_seed(0)
            qkv = torch.randn(12, 4, generator=g)
            sd = {
                "backbone.patch_embed.projection.weight": torch.randn(4, 3, 2, 2, generator=g),
                "backbone.layers.0.ln1.weight": torch.randn(4, generator=g),
                "backbone.layers.0.attn.qkv.weight": qkv.t().contiguous().t(),
                "backbone.layers.0.ffn.layers.0.0.weight": torch.randn(8, 16, generator=g).t(),
                "backbone.ln1.bias": torch.randn(4, generator=g),
                "head.layers.head.weight": torch.randn(3, 4, generator=g),
                "data_preprocessor.mean": torch.tensor([123.675, 116.28, 103.53]),
            }
            torch.save({"meta": {"epoch": 3}, "state_dict": sd, "optimizer": {}}, {{{JsonSerializer.Serialize(pth)}}})
            out = {k: v.double() for k, v in sd.items()}
            """);
        var safetensors = File("vit.safetensors");

        var run = CliRun.Of("convert", pth, safetensors).Succeeded();

        Assert.Contains("state dict in 'state_dict'); left out the other entries: meta, optimizer.", run.Out);
        Assert.Contains("Key map: mmpretrain-vit", run.Out);
        Assert.Contains("Mapped 5 keys: backbone.patch_embed.projection.weight -> backbone.patch_embed.proj.weight, backbone.layers.0.ln1.weight -> backbone.blocks.0.norm1.weight,", run.Out);
        Assert.Contains("Skipped 1 keys (dropped by the map): data_preprocessor.mean.", run.Out);
        Assert.Contains("Adapted 2 tensors (strided or shared-storage views written as dense copies): backbone.layers.0.attn.qkv.weight, backbone.layers.0.ffn.layers.0.0.weight.", run.Out);
        Assert.Contains($"Wrote 6 tensors to {safetensors} (safetensors).", run.Out);
        using (var scope = torch.NewDisposeScope())
        {
            var converted = SafeTensors.Load(safetensors);
            Assert.Equal(TorchReference.Doubles(reference.GetProperty("backbone.layers.0.ffn.layers.0.0.weight")), converted["backbone.blocks.0.mlp.fc1.weight"].to(ScalarType.Float64).data<double>());
            Assert.Equal(TorchReference.Doubles(reference.GetProperty("backbone.ln1.bias")), converted["backbone.norm.bias"].to(ScalarType.Float64).data<double>());
            Assert.Equal(TorchReference.Doubles(reference.GetProperty("head.layers.head.weight")), converted["head.layers.head.weight"].to(ScalarType.Float64).data<double>());
        }

        var back = File("vit_vision.pth");
        CliRun.Of("convert", safetensors, back, "--map", "none").Succeeded();
        var loaded = TorchReference.Run($$$"""
            sd = torch.load({{{JsonSerializer.Serialize(back)}}}, weights_only=True)
            out = {k: v.double() for k, v in sd.items()}
            """);
        Assert.Equal(TorchReference.Doubles(reference.GetProperty("backbone.layers.0.attn.qkv.weight")), TorchReference.Doubles(loaded.GetProperty("backbone.blocks.0.attn.qkv.weight")));
        Assert.Equal(6, loaded.EnumerateObject().Count());
    }

    [Fact]
    public void AnUnknownMapOrOutputExtensionIsAnErrorNamingIt()
    {
        var input = File("in.safetensors");
        using (var scope = torch.NewDisposeScope())
        {
            SafeTensors.Save(new Dictionary<string, Tensor> { ["w"] = torch.ones(2) }, input);
        }
        Assert.Contains("unknown extension '.onnx'", CliRun.Of("convert", input, File("out.onnx")).Failed().Err);
        Assert.Contains("Unknown checkpoint key map 'detectron'; known: torchvision-resnet", CliRun.Of("convert", input, File("out.pth"), "--map", "detectron").Failed().Err);
        Assert.Contains("Cannot read the PyTorch checkpoint", CliRun.Of("convert", CreateZipWithoutPickle(), File("out.safetensors")).Failed().Err);
    }

    private string CreateZipWithoutPickle()
    {
        var path = File("other.zip");
        using var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create);
        zip.CreateEntry("notes/readme.txt");
        return path;
    }
}
