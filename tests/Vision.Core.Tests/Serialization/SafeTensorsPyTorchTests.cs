using System.Text.Json;
using Vision.Serialization;
using Vision.Tests.Reference;

namespace Vision.Tests.Serialization;

/// <summary>
/// Cross-checks with PyTorch. The <c>safetensors</c> package is not installable here, so each script carries a
/// minimal reader or writer that follows the format's specification (8-byte size, JSON header, 8-byte space padding,
/// raw little-endian bytes; bfloat16 moved as int16 bits).
/// </summary>
public sealed class SafeTensorsPyTorchTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static readonly string[] Names = ["f16", "bf16", "f32", "f64", "i8", "u8", "i16", "i32", "i64", "bool", "scalar", "empty"];

    [SkippableFact]
    public void ReadsAFileWrittenByPyTorch()
    {
        var path = dir.File("from_python.safetensors");
        var result = TorchReference.Run($$$"""
            import struct
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
                "empty": torch.zeros(2, 0, 3, dtype=torch.float32),
            }
            codes = {torch.float16: "F16", torch.bfloat16: "BF16", torch.float32: "F32", torch.float64: "F64", torch.int8: "I8",
                     torch.uint8: "U8", torch.int16: "I16", torch.int32: "I32", torch.int64: "I64", torch.bool: "BOOL"}
            bits = {torch.float16: torch.int16, torch.bfloat16: torch.int16, torch.float32: torch.int32, torch.float64: torch.int64}
            header, blobs, offset = {"__metadata__": {"format": "pt", "writer": "python"}}, [], 0
            for name in sorted(t, reverse=True):  # another valid order than Vision's writer uses
                x = t[name]
                raw = (x.view(torch.int16) if x.dtype == torch.bfloat16 else x).numpy().tobytes()
                header[name] = {"dtype": codes[x.dtype], "shape": list(x.shape), "data_offsets": [offset, offset + len(raw)]}
                blobs.append(raw)
                offset += len(raw)
            text = json.dumps(header).encode("utf-8")
            text += b" " * (-len(text) % 8)
            with open({{{JsonSerializer.Serialize(path)}}}, "wb") as f:
                f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
            for name, x in t.items():
                out[name] = x.view(bits[x.dtype]) if x.dtype in bits else x
                out["shape:" + name] = list(x.shape)
            """);

        using var scope = torch.NewDisposeScope();
        var loaded = SafeTensors.Load(path);
        Assert.Equal(Names.Order(StringComparer.Ordinal), loaded.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new Dictionary<string, string> { ["format"] = "pt", ["writer"] = "python" }, SafeTensors.ReadMetadata(path));
        var dtypes = new[] { ScalarType.Float16, ScalarType.BFloat16, ScalarType.Float32, ScalarType.Float64, ScalarType.Int8, ScalarType.Byte,
            ScalarType.Int16, ScalarType.Int32, ScalarType.Int64, ScalarType.Bool, ScalarType.Float64, ScalarType.Float32 };
        for (var i = 0; i < Names.Length; i++)
        {
            var name = Names[i];
            var actual = loaded[name];
            Assert.Equal(dtypes[i], actual.dtype);
            Assert.Equal(result.GetProperty("shape:" + name).EnumerateArray().Select(e => e.GetInt64()), actual.shape);
            Assert.Equal(Values(result.GetProperty(name), actual.dtype), Values(actual));
        }
    }

    [SkippableFact]
    public void WritesAFilePyTorchDecodes()
    {
        TorchReference.Require();
        using var scope = torch.NewDisposeScope();
        var path = dir.File("from_vision.safetensors");
        short[] bf16Bits = [0x3F80, unchecked((short)0xC049), 0x7F7F, 0x0001];
        var source = new Dictionary<string, Tensor>
        {
            ["f16"] = torch.tensor(new Half[] { (Half)1, (Half)(-65504), Half.Epsilon, (Half)0.333 }, 2, 2),
            ["bf16"] = torch.tensor(bf16Bits).view(ScalarType.BFloat16),
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
        };
        SafeTensors.Save(source, path, new Dictionary<string, string> { ["format"] = "pt" });

        var result = TorchReference.Run($$"""
            import struct
            data = open({{JsonSerializer.Serialize(path)}}, "rb").read()
            (n,) = struct.unpack("<Q", data[:8])
            raw_header = data[8:8 + n]
            header = json.loads(raw_header)
            bits = {torch.float16: torch.int16, torch.bfloat16: torch.int16, torch.float32: torch.int32, torch.float64: torch.int64}
            types = {"F16": np.float16, "BF16": np.int16, "F32": np.float32, "F64": np.float64, "I8": np.int8, "U8": np.uint8,
                     "I16": np.int16, "I32": np.int32, "I64": np.int64, "BOOL": np.bool_}
            body = data[8 + n:]
            out["aligned"] = n % 8 == 0 and raw_header.rstrip(b" ").endswith(b"}")
            out["metadata"] = header.pop("__metadata__")
            out["order"] = [name for name, _ in sorted(header.items(), key=lambda e: e[1]["data_offsets"])]
            out["covered"] = max(e["data_offsets"][1] for e in header.values()) == len(body)
            for name, e in header.items():
                begin, end = e["data_offsets"]
                x = torch.from_numpy(np.frombuffer(body[begin:end], dtype=types[e["dtype"]]).copy()).reshape(e["shape"])
                if e["dtype"] == "BF16":
                    x = x.view(torch.bfloat16)
                out[name] = x.view(bits[x.dtype]) if x.dtype in bits else x
                out["value:" + name] = x.double() if x.dtype.is_floating_point else x.long()
                out["dtype:" + name] = e["dtype"]
                out["shape:" + name] = e["shape"]
            """);

        Assert.True(result.GetProperty("aligned").GetBoolean());
        Assert.True(result.GetProperty("covered").GetBoolean());
        Assert.Equal("pt", result.GetProperty("metadata").GetProperty("format").GetString());
        // The reference writer's layout, its dtype enum descending (I64 F64 F32 I32 BF16 F16 I16 I8 U8 BOOL), then by
        // name; the empty F32 tensor shares its offset with "f32" and sorts first.
        Assert.Equal(["i64", "f64", "scalar", "empty", "f32", "i32", "bf16", "f16", "i16", "i8", "u8", "bool"],
            result.GetProperty("order").EnumerateArray().Select(e => e.GetString()!));
        string[] codes = ["F16", "BF16", "F32", "F64", "I8", "U8", "I16", "I32", "I64", "BOOL", "F64", "F32"];
        for (var i = 0; i < Names.Length; i++)
        {
            var name = Names[i];
            var expected = source[name];
            Assert.Equal(codes[i], result.GetProperty("dtype:" + name).GetString());
            Assert.Equal(expected.shape, result.GetProperty("shape:" + name).EnumerateArray().Select(e => e.GetInt64()));
            Assert.Equal(Values(expected), Values(result.GetProperty(name), expected.dtype));
        }
        // Values as numbers too (the script's json.dumps has no NaN or infinity to write here).
        Assert.Equal(new double[] { 1, -3.140625, BitConverter.Int32BitsToSingle(0x7F7F0000), BitConverter.Int32BitsToSingle(0x00010000) },
            result.GetProperty("value:bf16").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(new double[] { 1.5, 1e-30f, 0.1f, -2.25, float.MaxValue, 0 }, result.GetProperty("value:f32").EnumerateArray().Select(e => e.GetDouble()));
    }

    /// <summary>
    /// The elements as comparable numbers: floating-point ones as their bit patterns (exact, NaN and -0 included),
    /// others as integers (bool as 0/1).
    /// </summary>
    private static long[] Values(Tensor t)
    {
        using var bits = t.view(t.dtype switch
        {
            ScalarType.Float16 or ScalarType.BFloat16 => ScalarType.Int16,
            ScalarType.Float32 => ScalarType.Int32,
            ScalarType.Float64 => ScalarType.Int64,
            ScalarType.Bool => ScalarType.Byte,
            var other => other,
        });
        return bits.data<long>();
    }

    /// <summary>What the script returned for a tensor of <paramref name="dtype"/>, in the form of <see cref="Values(Tensor)"/>.</summary>
    private static long[] Values(JsonElement e, ScalarType dtype) =>
        [.. e.EnumerateArray().Select(x => dtype == ScalarType.Bool ? (x.GetBoolean() ? 1L : 0L) : x.GetInt64())];
}
