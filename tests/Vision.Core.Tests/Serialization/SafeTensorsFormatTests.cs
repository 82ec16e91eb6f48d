using System.Text;
using Vision.Serialization;

namespace Vision.Tests.Serialization;

public sealed class SafeTensorsFormatTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    [Fact]
    public void WritesHeaderPaddingAndDataByteForByte()
    {
        using var scope = torch.NewDisposeScope();
        var path = dir.File("small.safetensors");
        SafeTensors.Save(new Dictionary<string, Tensor>
        {
            ["w"] = torch.tensor(new float[] { 1f, -2f }),
            ["a"] = torch.tensor(new byte[] { 1, 2, 3 }),
            ["idx"] = torch.tensor(5, ScalarType.Int64),
        }, path, new Dictionary<string, string> { ["format"] = "pt" });

        // Metadata first; tensors by dtype alignment (I64, F32, U8), then name. The JSON is 194 bytes: 6 spaces pad it to 200.
        var json = "{\"__metadata__\":{\"format\":\"pt\"}," +
                   "\"idx\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}," +
                   "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}," +
                   "\"a\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[16,19]}}" + "      ";
        var expected = Concat(
            [200, 0, 0, 0, 0, 0, 0, 0],
            Ascii(json),
            [5, 0, 0, 0, 0, 0, 0, 0],            // idx = 5L
            [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0], // 1f, -2f
            [1, 2, 3]);
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Fact]
    public void MatchesTheReferenceWritersTestVectors()
    {
        // The Rust crate's own tests: one F32 [1,2,3] tensor (64-byte header, no padding), an empty file, metadata only.
        using var scope = torch.NewDisposeScope();
        var path = dir.File("ref.safetensors");
        SafeTensors.Save(new Dictionary<string, Tensor> { ["attn.0"] = torch.arange(6, ScalarType.Float32).reshape(1, 2, 3) }, path);
        var floats = new float[] { 0, 1, 2, 3, 4, 5 }.SelectMany(BitConverter.GetBytes).ToArray();
        Assert.Equal(Concat([64, 0, 0, 0, 0, 0, 0, 0], Ascii("{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}"), floats),
            File.ReadAllBytes(path));

        SafeTensors.Save(new Dictionary<string, Tensor>(), path);
        Assert.Equal(Concat([8, 0, 0, 0, 0, 0, 0, 0], Ascii("{}      ")), File.ReadAllBytes(path));

        SafeTensors.Save(new Dictionary<string, Tensor>(), path, new Dictionary<string, string> { ["framework"] = "pt" });
        Assert.Equal(Concat([40, 0, 0, 0, 0, 0, 0, 0], Ascii("{\"__metadata__\":{\"framework\":\"pt\"}}     ")), File.ReadAllBytes(path));
    }

    [Fact]
    public void EscapesNamesAsSerdeJsonDoes()
    {
        using var scope = torch.NewDisposeScope();
        var path = dir.File("names.safetensors");
        // Quote, backslash and control characters are escaped; '+', '<' and non-ASCII text stay raw UTF-8.
        SafeTensors.Save(new Dictionary<string, Tensor> { ["q\"b\\n\n\u0001+<é"] = torch.tensor(new byte[] { 9 }) }, path);
        var json = Encoding.UTF8.GetBytes("{\"q\\\"b\\\\n\\n\\u0001+<é\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}");
        var padded = Concat(json, Ascii(new string(' ', (8 - json.Length % 8) % 8)));
        Assert.Equal(Concat(BitConverter.GetBytes((ulong)padded.Length), padded, [9]), File.ReadAllBytes(path));
        Assert.Equal(["q\"b\\n\n\u0001+<é"], SafeTensors.Load(path).Keys);
    }

    [Fact]
    public void RoundTripsEveryDtypeBitExactly()
    {
        using var scope = torch.NewDisposeScope();
        var path = dir.File("all.safetensors");
        // Half and bfloat16 bit patterns: 1, -0, +inf, a NaN with payload, the smallest subnormal, the largest finite.
        short[] f16Bits = [0x3C00, unchecked((short)0x8000), 0x7C00, 0x7E01, 0x0001, 0x7BFF];
        short[] bf16Bits = [0x3F80, unchecked((short)0x8000), 0x7F80, 0x7FC1, 0x0001, 0x7F7F];
        var source = new Dictionary<string, Tensor>
        {
            ["f16"] = torch.tensor(f16Bits, 2, 3).view(ScalarType.Float16),
            ["bf16"] = torch.tensor(bf16Bits, 3, 2).view(ScalarType.BFloat16),
            ["f32"] = torch.tensor(new float[] { 1.5f, -0f, float.PositiveInfinity, float.Epsilon, float.MaxValue, 0.1f }, 2, 3),
            ["f64"] = torch.tensor(new double[] { Math.PI, -0.0, double.NegativeInfinity, double.Epsilon }),
            ["i8"] = torch.tensor(new sbyte[] { sbyte.MinValue, -1, 0, sbyte.MaxValue }),
            ["u8"] = torch.tensor(new byte[] { 0, 1, 128, 255 }),
            ["i16"] = torch.tensor(new short[] { short.MinValue, -1, short.MaxValue }),
            ["i32"] = torch.tensor(new int[] { int.MinValue, -7, int.MaxValue }),
            ["i64"] = torch.tensor(new long[] { long.MinValue, -3, long.MaxValue }),
            ["bool"] = torch.tensor(new bool[] { true, false, false, true }, 2, 2),
            ["scalar_f64"] = torch.tensor(-2.5, ScalarType.Float64),
            ["scalar_bool"] = torch.tensor(1, ScalarType.Bool),
            ["empty_f32"] = torch.zeros([0], ScalarType.Float32),
            ["empty_bf16"] = torch.zeros([2, 0, 3], ScalarType.BFloat16),
            ["transposed"] = torch.arange(6, ScalarType.Int32).reshape(2, 3).t(),
        };
        SafeTensors.Save(source, path);
        var loaded = SafeTensors.Load(path);

        Assert.Equal(source.Keys.Order(), loaded.Keys.Order());
        foreach (var (name, expected) in source)
        {
            var actual = loaded[name];
            Assert.Equal(expected.dtype, actual.dtype);
            Assert.Equal(expected.shape, actual.shape);
            Assert.Equal(Device.CPU, actual.device);
        }
        Assert.Equal(f16Bits, loaded["f16"].view(ScalarType.Int16).data<short>());
        Assert.Equal(bf16Bits, loaded["bf16"].view(ScalarType.Int16).data<short>());
        Assert.Equal(source["f32"].data<float>().Select(BitConverter.SingleToInt32Bits), loaded["f32"].data<float>().Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(source["f64"].data<double>().Select(BitConverter.DoubleToInt64Bits), loaded["f64"].data<double>().Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(new sbyte[] { sbyte.MinValue, -1, 0, sbyte.MaxValue }, loaded["i8"].data<sbyte>());
        Assert.Equal(new byte[] { 0, 1, 128, 255 }, loaded["u8"].data<byte>());
        Assert.Equal(new short[] { short.MinValue, -1, short.MaxValue }, loaded["i16"].data<short>());
        Assert.Equal(new int[] { int.MinValue, -7, int.MaxValue }, loaded["i32"].data<int>());
        Assert.Equal(new long[] { long.MinValue, -3, long.MaxValue }, loaded["i64"].data<long>());
        Assert.Equal(new bool[] { true, false, false, true }, loaded["bool"].data<bool>());
        Assert.Equal(-2.5, loaded["scalar_f64"].item<double>());
        Assert.True(loaded["scalar_bool"].item<bool>());
        Assert.Equal(0, loaded["empty_bf16"].numel());
        Assert.Equal(new int[] { 0, 3, 1, 4, 2, 5 }, loaded["transposed"].data<int>());
    }

    [Fact]
    public void RoundTripsMetadata()
    {
        using var scope = torch.NewDisposeScope();
        var path = dir.File("meta.safetensors");
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "line1\n\"quoted\" ü 🚀", ["empty"] = "" };
        SafeTensors.Save(new Dictionary<string, Tensor> { ["x"] = torch.ones(2) }, path, metadata);

        Assert.Equal(metadata.OrderBy(e => e.Key), SafeTensors.ReadMetadata(path).OrderBy(e => e.Key));
        using var file = new SafeTensorsFile(path);
        Assert.Equal(metadata.OrderBy(e => e.Key), file.Metadata.OrderBy(e => e.Key));

        SafeTensors.Save(new Dictionary<string, Tensor> { ["x"] = torch.ones(2) }, path);
        Assert.Empty(SafeTensors.ReadMetadata(path));
    }

    [Fact]
    public void LazyReaderListsDescribesAndReadsSingleTensors()
    {
        using var scope = torch.NewDisposeScope();
        var path = dir.File("lazy.safetensors");
        SafeTensors.Save(new Dictionary<string, Tensor>
        {
            ["b"] = torch.tensor(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3),
            ["a"] = torch.tensor(new short[] { 7, 8 }),
            ["c"] = torch.tensor(new double[] { 9 }),
        }, path);

        using var file = new SafeTensorsFile(path);
        Assert.Equal(["b", "c", "a"], file.Keys); // data order: F64 by name, then I16
        var info = file.GetInfo("c");
        Assert.Equal(ScalarType.Float64, info.DType);
        Assert.Equal([1L], info.Shape);
        Assert.Equal((48L, 56L), (info.Begin, info.End));
        Assert.Equal((ScalarType.Int16, 56L, 60L), (file.GetInfo("a").DType, file.GetInfo("a").Begin, file.GetInfo("a").End));
        Assert.Equal(new double[] { 1, 2, 3, 4, 5, 6 }, file.GetTensor("b").data<double>());
        Assert.Equal(new short[] { 7, 8 }, file.GetTensor("a").data<short>());
        Assert.True(file.Contains("a"));
        Assert.False(file.Contains("z"));
        var missing = Assert.Throws<KeyNotFoundException>(() => file.GetTensor("z"));
        Assert.Contains("'z'", missing.Message);
        Assert.Contains(path, missing.Message);
    }

    [Fact]
    public void OrdersNamesByUtf8BytesAsTheReferenceWriterDoes()
    {
        using var scope = torch.NewDisposeScope();
        var path = dir.File("order.safetensors");
        // UTF-16 ordinal order would put the emoji (a surrogate pair, 0xD83D...) before U+E000; UTF-8 order puts it last.
        SafeTensors.Save(new Dictionary<string, Tensor> { ["😀"] = torch.ones(1), ["\uE000"] = torch.ones(1), ["Z"] = torch.ones(1), ["a"] = torch.ones(1) }, path);
        using var file = new SafeTensorsFile(path);
        Assert.Equal(["Z", "a", "\uE000", "😀"], file.Keys);
    }

    [Fact]
    public void LoadedTensorsOutliveTheFileAndItsMapping()
    {
        using var scope = torch.NewDisposeScope();
        var path = dir.File("own.safetensors");
        SafeTensors.Save(new Dictionary<string, Tensor> { ["x"] = torch.tensor(new float[] { 3, 4 }) }, path);
        Tensor x;
        using (var file = new SafeTensorsFile(path))
        {
            x = file.GetTensor("x");
        }
        File.Delete(path);
        Assert.Equal(new float[] { 3, 4 }, x.data<float>());
    }

    [Fact]
    public void LoadsAShardedCheckpointThroughItsIndex()
    {
        using var scope = torch.NewDisposeScope();
        SafeTensors.Save(new Dictionary<string, Tensor>
        {
            ["layer.0.weight"] = torch.tensor(new float[] { 1, 2, 3, 4 }, 2, 2),
            ["layer.0.bias"] = torch.tensor(new float[] { 5, 6 }),
        }, dir.File("model-00001-of-00002.safetensors"), new Dictionary<string, string> { ["format"] = "pt" });
        SafeTensors.Save(new Dictionary<string, Tensor>
        {
            ["head.weight"] = torch.tensor(new short[] { 0x3F80, 0x4000 }).view(ScalarType.BFloat16),
            ["steps"] = torch.tensor(new long[] { 42 }),
        }, dir.File("model-00002-of-00002.safetensors"));
        File.WriteAllText(dir.File(ShardedSafeTensors.IndexFileName), """
            {"metadata": {"total_size": 36, "format": "pt"},
             "weight_map": {"layer.0.bias": "model-00001-of-00002.safetensors", "head.weight": "model-00002-of-00002.safetensors",
                            "layer.0.weight": "model-00001-of-00002.safetensors", "steps": "model-00002-of-00002.safetensors"}}
            """);

        var all = SafeTensors.LoadSharded(dir.Path);
        Assert.Equal(["head.weight", "layer.0.bias", "layer.0.weight", "steps"], all.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new float[] { 1, 2, 3, 4 }, all["layer.0.weight"].data<float>());
        Assert.Equal(new float[] { 5, 6 }, all["layer.0.bias"].data<float>());
        Assert.Equal(new float[] { 1, 2 }, all["head.weight"].data<float>());
        Assert.Equal(new long[] { 42 }, all["steps"].data<long>());

        using var sharded = new ShardedSafeTensors(dir.Path);
        Assert.Equal(["layer.0.bias", "head.weight", "layer.0.weight", "steps"], sharded.Keys);
        Assert.Equal(["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"], sharded.ShardFiles);
        Assert.Equal("36", sharded.Metadata["total_size"]);
        Assert.Equal("pt", sharded.Metadata["format"]);
        Assert.Equal((ScalarType.BFloat16, 2L), (sharded.GetInfo("head.weight").DType, sharded.GetInfo("head.weight").NumElements));
        Assert.Equal(new long[] { 42 }, sharded.GetTensor("steps").data<long>());
    }
}
