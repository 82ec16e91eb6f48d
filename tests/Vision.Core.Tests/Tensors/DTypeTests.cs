using static Vision.Tests.Tensors.TensorAssert;

namespace Vision.Tests.Tensors;

public class DTypeTests
{
    private static readonly double[] Signed = [-2.5, -1, 0, 0.1, 1.0 / 3, 2.75, 100];
    private static readonly double[] Unsigned = [0, 0.1, 1.9, 2.75, 100, 255];

    public static TheoryData<ScalarType, double[]> Conversions => new()
    {
        { ScalarType.Float64, Signed },
        { ScalarType.Float32, Signed },
        { ScalarType.Float16, Signed },
        { ScalarType.BFloat16, Signed },
        { ScalarType.Int64, Signed },
        { ScalarType.Int32, Signed },
        { ScalarType.Int16, Signed },
        { ScalarType.Int8, Signed },
        { ScalarType.Byte, Unsigned },
        { ScalarType.Bool, Signed },
    };

    // What a float64 value becomes in each type: IEEE round-to-nearest-even for floats, truncation toward zero for
    // integers, non-zero test for bool (c10's conversions).
    private static double Expected(ScalarType type, double v) => type switch
    {
        ScalarType.Float64 => v,
        ScalarType.Float32 => (float)v,
        ScalarType.Float16 => (double)(Half)v,
        ScalarType.BFloat16 => BFloat16((float)v),
        ScalarType.Bool => v != 0 ? 1 : 0,
        _ => Math.Truncate(v),
    };

    private static double BFloat16(float f)
    {
        var bits = BitConverter.SingleToInt32Bits(f);
        bits += 0x7FFF + ((bits >> 16) & 1);
        return BitConverter.Int32BitsToSingle(bits & unchecked((int)0xFFFF0000));
    }

    [Theory]
    [MemberData(nameof(Conversions))]
    public void ConversionFromFloat64RoundsAsLibtorch(ScalarType type, double[] input)
    {
        using var scope = torch.NewDisposeScope();
        var converted = F64(input).to(type);
        Assert.Equal(type, converted.dtype);
        Assert.Equal(input.Select(v => Expected(type, v)).ToArray(), converted.data<double>());
        // Going back up to float32 is exact for every type here except float64 itself.
        if (type != ScalarType.Float64)
        {
            Assert.Equal(input.Select(v => (double)(float)Expected(type, v)).ToArray(), converted.to(torch.float32).data<float>().Select(f => (double)f));
        }
    }

    [Theory]
    [MemberData(nameof(Conversions))]
    public void ConversionToTheSameTypeSharesDataUnlessCopied(ScalarType type, double[] input)
    {
        using var scope = torch.NewDisposeScope();
        var t = F64(input).to(type);
        Assert.True(t.to(type).shares_storage_with(t));
        var copy = t.to(type, copy: true);
        Assert.False(copy.shares_storage_with(t));
        Assert.True(copy.equal(t));
    }

    [Fact]
    public void IntegerAndBoolSourcesConvertExactly()
    {
        using var scope = torch.NewDisposeScope();
        var ints = torch.tensor(new long[] { -3, 0, 7, 2049 });
        Assert.Equal(new[] { (Half)(-3), (Half)0, (Half)7, (Half)2048 }, ints.to(torch.float16).data<Half>());
        Assert.Equal(new[] { true, false, true, true }, ints.to(torch.@bool).data<bool>());
        var flags = torch.tensor(new[] { true, false });
        Assert.Equal(new long[] { 1, 0 }, flags.to(torch.int64).data<long>());
        Assert.Equal(new float[] { 1, 0 }, flags.data<float>());
        // uint8 arithmetic wraps modulo 256, int8 as two's complement.
        Exact(torch.tensor(new byte[] { 200, 10 }).add_(torch.tensor(new byte[] { 100, 250 })), [2], 44, 4);
        Exact(torch.tensor(new sbyte[] { 127 }).add_(torch.tensor(new sbyte[] { 1 })), [1], -128);
    }

    [Fact]
    public void ItemReturnsTheRequestedDotNetType()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Equal(3, torch.tensor(3.7, torch.int32).item<int>());
        Assert.Equal(3L, torch.tensor(3, torch.int64).item<long>());
        Assert.Equal((byte)200, torch.tensor(200, torch.uint8).item<byte>());
        Assert.Equal((sbyte)-5, torch.tensor(-5, torch.int8).item<sbyte>());
        Assert.Equal(0.1f, torch.tensor(0.1).item<float>());
        Assert.Equal(0.1, torch.tensor(0.1, torch.float64).item<double>());
        Assert.Equal((Half)0.1, torch.tensor(0.1, torch.float16).item<Half>());
        Assert.True(torch.tensor(1, torch.@bool).item<bool>());
        Assert.Throws<TorchException>(() => torch.ones(2).item<float>());
    }
}
