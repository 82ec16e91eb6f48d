using System.Text.Json;
using Vision.Serialization;
using Vision.Tests.Reference;

namespace Vision.Tests.Serialization;

/// <summary>
/// <c>torch.save</c> files written by Debian's torch 1.13 in each test, read by <see cref="TorchCheckpoint"/>, and
/// Vision's files read back by <c>torch.load(weights_only=True)</c>. Floating values are compared as their bits.
/// </summary>
public sealed class TorchCheckpointPyTorchTests : IDisposable
{
    // Python that defines every dtype (with extremes, NaN, infinity), a shared storage, strided views and a scalar.
    private const string TensorsScript = """
        base = torch.arange(24, dtype=torch.float32) / 7
        t = {
            "f16": torch.tensor([[1.0, -65504.0, 6e-08], [0.333, -0.0, float("inf")]], dtype=torch.float16),
            "bf16": torch.tensor([1.0, -3.140625, 1e38, 0.1, float("nan")], dtype=torch.bfloat16),
            "f32": torch.tensor([[1.5, -2.25], [1e-30, 3.4e38]], dtype=torch.float32),
            "f64": torch.tensor([3.141592653589793, -1e300, 5e-324], dtype=torch.float64),
            "i8": torch.tensor([-128, 127, 0], dtype=torch.int8),
            "u8": torch.tensor([0, 255, 17], dtype=torch.uint8),
            "i16": torch.tensor([-32768, 32767], dtype=torch.int16),
            "i32": torch.tensor([[-2147483648], [2147483647]], dtype=torch.int32),
            "i64": torch.tensor([-(2**63), 2**63 - 1, 3], dtype=torch.int64),
            "bool": torch.tensor([True, False, True]),
            "scalar": torch.tensor(7.5, dtype=torch.float64),
            "empty": torch.zeros(2, 0, 3),
            "shared_whole": base,
            "shared_offset": base[5:11].view(2, 3),
            "strided_t": base.view(4, 6).t(),
            "strided_step": base.view(4, 6)[1:, ::2],
            "strided_expand": base[:3].view(3, 1).expand(3, 4),
        }
        bits = {torch.float16: torch.int16, torch.bfloat16: torch.int16, torch.float32: torch.int32, torch.float64: torch.int64}
        def plain(x):
            return x.contiguous().view(bits[x.dtype]) if x.dtype in bits else x.long()
        """;

    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [SkippableFact]
    public void ReadsEveryDtypeSharedAndStridedStoragesInsideAnMMEngineCheckpoint()
    {
        var path = dir.File("mmengine.pth");
        var result = TorchReference.Run(TensorsScript + "\n" + $$$"""
            nested = {"block": {"layers": [t["f32"], {"w": t["i8"]}]}}
            meta = {"mmengine_version": "0.10.4", "epoch": 12, "lr": 0.001, "dataset_meta": {"classes": ("cat", "dog")}, "flag": True, "none": None}
            sd = dict(t)
            sd.update({"nested": nested})
            torch.save({"meta": meta, "state_dict": sd, "optimizer": {"state": {0: {"exp_avg": torch.ones(3)} } } }, {{{JsonSerializer.Serialize(path)}}})
            out = {k: plain(x) for k, x in t.items()}
            out.update({"shape:" + k: list(x.shape) for k, x in t.items()})
            """);

        using var scope = torch.NewDisposeScope();
        using var file = new TorchCheckpointFile(path);
        Assert.Equal("state_dict", file.StateDictLocation);
        var names = result.EnumerateObject().Select(p => p.Name).Where(n => !n.StartsWith("shape:", StringComparison.Ordinal)).ToList();
        Assert.Equal(names.Concat(["nested.block.layers.0", "nested.block.layers.1.w"]).Order(StringComparer.Ordinal), file.StateDict.Keys.Order(StringComparer.Ordinal));
        foreach (var name in names)
        {
            var actual = file.GetTensor(name);
            Assert.Equal(result.GetProperty("shape:" + name).EnumerateArray().Select(e => e.GetInt64()), actual.shape);
            Assert.Equal(Longs(result.GetProperty(name)), Bits(actual));
        }
        Assert.Equal(Bits(file.GetTensor("f32")), Bits(file.GetTensor("nested.block.layers.0")));
        Assert.Equal(file.StateDict["shared_whole"].StorageKey, file.StateDict["shared_offset"].StorageKey);
        Assert.Equal(5, file.StateDict["shared_offset"].StorageOffset);

        var root = Assert.IsType<OrderedDictionary<object, object?>>(file.Root);
        var meta = Assert.IsType<OrderedDictionary<object, object?>>(root["meta"]);
        Assert.Equal("0.10.4", meta["mmengine_version"]);
        Assert.Equal(12L, meta["epoch"]);
        Assert.Equal(0.001, meta["lr"]);
        Assert.Equal(true, meta["flag"]);
        Assert.Null(meta["none"]);
        Assert.Equal(new object?[] { "cat", "dog" }, Assert.IsType<OrderedDictionary<object, object?>>(meta["dataset_meta"])["classes"]);
    }

    [SkippableFact]
    public void FindsTheStateDictOfModuleSavesModelWrappersAndDataParallel()
    {
        var paths = new[] { "module.pth", "model.pth", "dataparallel.pth", "parameters.pt" }.Select(dir.File).ToArray();
        var result = TorchReference.Run($$$"""
            p = {{{JsonSerializer.Serialize(paths)}}}
            net = torch.nn.Sequential(torch.nn.Conv2d(2, 3, 3), torch.nn.BatchNorm2d(3))
            torch.save(net.state_dict(), p[0])
            torch.save({"model": net.state_dict(), "epoch": 3, "args": {"lr": 0.1}}, p[1])
            torch.save(torch.nn.DataParallel(net).state_dict(), p[2])
            torch.save({"weight": torch.nn.Parameter(torch.ones(2, 2) * 3)}, p[3])
            out = {k: v.double() if v.dtype.is_floating_point else v for k, v in net.state_dict().items()}
            """);

        using var scope = torch.NewDisposeScope();
        foreach (var (path, location) in paths[..3].Zip(new[] { "", "model", "" }))
        {
            using var file = new TorchCheckpointFile(path);
            Assert.Equal(location, file.StateDictLocation);
            Assert.Equal(result.EnumerateObject().Select(p => p.Name), file.StateDict.Keys);
            foreach (var property in result.EnumerateObject())
            {
                Assert.Equal(TorchReference.Doubles(property.Value), file.GetTensor(property.Name).to(ScalarType.Float64).data<double>());
            }
        }
        var parameters = TorchCheckpoint.Load(paths[3]);
        Assert.Equal([3.0, 3, 3, 3], parameters["weight"].to(ScalarType.Float64).data<double>());
    }

    [SkippableFact]
    public void WritesAFileThatTorchLoadReadsWithWeightsOnly()
    {
        TorchReference.Require();
        using var scope = torch.NewDisposeScope();
        var path = dir.File("from_vision.pth");
        var source = new Dictionary<string, Tensor>
        {
            ["f16"] = torch.tensor(new Half[] { (Half)1, (Half)(-65504), Half.Epsilon, (Half)0.333 }, 2, 2),
            ["bf16"] = torch.tensor(new short[] { 0x3F80, unchecked((short)0xC049), 0x7F7F, 0x0001 }).view(ScalarType.BFloat16),
            ["f32"] = torch.tensor(new float[] { 1.5f, -2.25f, 1e-30f, float.MaxValue, 0.1f, -0f }, 3, 2).t(),
            ["f64"] = torch.tensor(new double[] { Math.PI, -1e300, double.Epsilon }),
            ["i8"] = torch.tensor(new sbyte[] { -128, 127, 0 }),
            ["u8"] = torch.tensor(new byte[] { 0, 255, 17 }),
            ["i16"] = torch.tensor(new short[] { short.MinValue, short.MaxValue }),
            ["i32"] = torch.tensor(new int[] { int.MinValue, int.MaxValue }, 2, 1),
            ["i64"] = torch.tensor(new long[] { long.MinValue, long.MaxValue, 3 }),
            ["bool"] = torch.tensor(new bool[] { true, false, true }),
            ["scalar"] = torch.tensor(7.5, ScalarType.Float64),
            ["empty"] = torch.zeros([2, 0, 3], ScalarType.Float32),
            ["layer.0.weight"] = torch.arange(6, ScalarType.Float32).view(2, 3),
        };
        TorchCheckpoint.Save(source, path);

        var result = TorchReference.Run(TensorsScript + "\n" + $$$"""
            sd = torch.load({{{JsonSerializer.Serialize(path)}}}, weights_only=True)
            out = {"type": type(sd).__name__, "keys": list(sd.keys())}
            out.update({k: plain(x) for k, x in sd.items()})
            out.update({"shape:" + k: list(x.shape) for k, x in sd.items()})
            out.update({"dtype:" + k: str(x.dtype) for k, x in sd.items()})
            """);

        Assert.Equal("OrderedDict", result.GetProperty("type").GetString());
        Assert.Equal(source.Keys, result.GetProperty("keys").EnumerateArray().Select(e => e.GetString()));
        foreach (var (name, tensor) in source)
        {
            Assert.Equal(tensor.shape, result.GetProperty("shape:" + name).EnumerateArray().Select(e => e.GetInt64()));
            Assert.Equal(Bits(tensor), Longs(result.GetProperty(name)));
        }
        Assert.Equal("torch.bfloat16", result.GetProperty("dtype:bf16").GetString());
        Assert.Equal("torch.bool", result.GetProperty("dtype:bool").GetString());
        // And Vision reads its own file back.
        var back = TorchCheckpoint.Load(path);
        Assert.All(source, e => Assert.Equal(Bits(e.Value), Bits(back[e.Key])));
    }

    [SkippableFact]
    public void RefusesPickledCodeNamingTheGlobalAndLegacyFilesWithAResaveHint()
    {
        var paths = new[] { "evil.pth", "module.pth", "legacy.pth" }.Select(dir.File).ToArray();
        var marker = dir.File("executed");
        TorchReference.Run($$$"""
            import os
            p = {{{JsonSerializer.Serialize(paths)}}}
            class Evil:
                def __reduce__(self):
                    return (os.system, ("touch " + {{{JsonSerializer.Serialize(marker)}}},))
            torch.save({"w": torch.ones(2), "x": Evil()}, p[0])
            torch.save(torch.nn.Linear(2, 2), p[1])
            torch.save({"w": torch.ones(2)}, p[2], _use_new_zipfile_serialization=False)
            """);

        var evil = Assert.Throws<InvalidDataException>(() => StateDictFile.Load(paths[0]));
        Assert.Contains("'posix.system'", evil.Message, StringComparison.Ordinal);
        Assert.Contains(paths[0], evil.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(marker));
        var module = Assert.Throws<InvalidDataException>(() => StateDictFile.Load(paths[1]));
        Assert.Contains("'torch.nn.modules.linear.Linear'", module.Message, StringComparison.Ordinal);
        Assert.Contains("state_dict()", module.Message, StringComparison.Ordinal);
        var legacy = Assert.Throws<InvalidDataException>(() => StateDictFile.Load(paths[2]));
        Assert.Contains("torch >= 1.6", legacy.Message, StringComparison.Ordinal);
    }

    /// <summary>Element values as integers: floating types by their bits, booleans as 0/1.</summary>
    internal static long[] Bits(Tensor t)
    {
        using var dense = t.contiguous();
        using var bits = dense.view(t.dtype switch
        {
            ScalarType.Float16 or ScalarType.BFloat16 => ScalarType.Int16,
            ScalarType.Float32 => ScalarType.Int32,
            ScalarType.Float64 => ScalarType.Int64,
            ScalarType.Bool => ScalarType.Byte,
            var other => other,
        });
        return bits.data<long>();
    }

    private static long[] Longs(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetInt64())];
}
