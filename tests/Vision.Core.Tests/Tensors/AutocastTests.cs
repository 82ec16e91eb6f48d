using Vision.nn;

namespace Vision.Tests.Tensors;

public sealed class AutocastTests
{
    [Fact]
    public void CpuAutocastRunsLinearLayersInBFloat16AndRestoresTheStateWhenItCloses()
    {
        using var scope = torch.NewDisposeScope();
        using var layer = new Linear(4, 3);
        var input = torch.randn(2, 4);
        Assert.False(torch.is_autocast_enabled(DeviceType.CPU));
        var before = torch.get_autocast_dtype(DeviceType.CPU);

        using (torch.autocast(DeviceType.CPU))
        {
            Assert.True(torch.is_autocast_enabled(DeviceType.CPU));
            Assert.Equal(ScalarType.BFloat16, torch.get_autocast_dtype(DeviceType.CPU));
            var output = layer.forward(input);
            Assert.Equal(ScalarType.BFloat16, output.dtype);
            // Close to the float32 result within bfloat16's precision (8 mantissa bits).
            using (torch.autocast(DeviceType.CPU, enabled: false))
            {
                Assert.False(torch.is_autocast_enabled(DeviceType.CPU));
                var exact = layer.forward(input);
                Assert.Equal(ScalarType.Float32, exact.dtype);
                Assert.True(output.to(ScalarType.Float32).allclose(exact, rtol: 2e-2, atol: 2e-2));
            }
            Assert.True(torch.is_autocast_enabled(DeviceType.CPU));
        }

        Assert.False(torch.is_autocast_enabled(DeviceType.CPU));
        Assert.Equal(before, torch.get_autocast_dtype(DeviceType.CPU));
        Assert.Equal(ScalarType.Float32, layer.forward(input).dtype);
    }

    [Fact]
    public void UnsupportedTypesAreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => torch.autocast(DeviceType.CPU, ScalarType.Float16));
        Assert.Contains("autocast on CPU does not support Float16; use bfloat16", e.Message);
        Assert.False(torch.is_autocast_enabled(DeviceType.CPU));
    }
}
