using System.Runtime.CompilerServices;
using static Vision.Tests.Tensors.TensorAssert;

namespace Vision.Tests.Tensors;

public class CreationTests
{
    public static TheoryData<ScalarType> AllTypes =>
    [
        ScalarType.Byte, ScalarType.Int8, ScalarType.Int16, ScalarType.Int32, ScalarType.Int64,
        ScalarType.Float16, ScalarType.BFloat16, ScalarType.Float32, ScalarType.Float64, ScalarType.Bool,
    ];

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void ConstantFactoriesHonourShapeDtypeAndValue(ScalarType type)
    {
        using var scope = torch.NewDisposeScope();
        var filled = type == ScalarType.Bool ? 1.0 : 5.0;
        foreach (var (t, value) in new[]
                 {
                     (torch.zeros([2, 3], type), 0.0), (torch.ones([2, 3], type), 1.0), (torch.full([2, 3], 5, type), filled),
                     (torch.empty([2, 3], type).fill_(5), filled),
                 })
        {
            Assert.Equal(type, t.dtype);
            Assert.Equal(new long[] { 2, 3 }, t.shape);
            Assert.Equal(Enumerable.Repeat(value, 6), t.data<double>());
            Assert.False(t.requires_grad);
        }
    }

    [Fact]
    public void LikeFactoriesCopyShapeAndDtypeUnlessOverridden()
    {
        using var scope = torch.NewDisposeScope();
        var proto = torch.zeros([3, 1, 2], torch.int32);
        Exact(torch.ones_like(proto), [3, 1, 2], 1, 1, 1, 1, 1, 1);
        Assert.Equal(ScalarType.Int32, torch.zeros_like(proto).dtype);
        Assert.Equal(ScalarType.Int32, torch.empty_like(proto).dtype);
        var full = torch.full_like(proto, 2.5, torch.float64);
        Assert.Equal(ScalarType.Float64, full.dtype);
        Exact(full, [3, 1, 2], 2.5, 2.5, 2.5, 2.5, 2.5, 2.5);
        var grad = torch.zeros_like(full, requires_grad: true);
        Assert.True(grad.requires_grad);
        Assert.True(grad.is_leaf);
    }

    [Fact]
    public void FactoriesCreateLeavesThatRequireGrad()
    {
        using var scope = torch.NewDisposeScope();
        foreach (var t in new[]
                 {
                     torch.zeros([2], torch.float32, requires_grad: true), torch.full([2], 1, requires_grad: true),
                     torch.arange(0, 2, 1, torch.float64, requires_grad: true), torch.linspace(0, 1, 2, requires_grad: true),
                     torch.eye(2, requires_grad: true), torch.tensor(3.0, requires_grad: true),
                 })
        {
            Assert.True(t.requires_grad);
            Assert.True(t.is_leaf);
        }
    }

    public static TheoryData<double, double, double, ScalarType, double[]> Ranges => new()
    {
        { 0, 5, 1, ScalarType.Int64, [0, 1, 2, 3, 4] },
        { 10, 0, -3, ScalarType.Int64, [10, 7, 4, 1] },
        { 1, 2, 0.25, ScalarType.Float32, [1, 1.25, 1.5, 1.75] },
        { -1, 1, 0.5, ScalarType.Float32, [-1, -0.5, 0, 0.5] },
        { 0.5, 3, 1, ScalarType.Float32, [0.5, 1.5, 2.5] },
    };

    [Theory]
    [MemberData(nameof(Ranges))]
    public void ArangeInfersDtypeAsPyTorchDoes(double start, double end, double step, ScalarType type, double[] expected)
    {
        // torch.arange gives int64 for integral arguments and the default float type otherwise.
        using var t = torch.arange(start, end, step);
        Assert.Equal(type, t.dtype);
        Exact(t, [expected.Length], expected);
    }

    [Fact]
    public void ArangeLinspaceAndEyeValues()
    {
        using var scope = torch.NewDisposeScope();
        Exact(torch.arange(4), [4], 0, 1, 2, 3);
        Assert.Equal(ScalarType.Int64, torch.arange(4).dtype);
        Exact(torch.arange(0, 3, 1, torch.float64), [3], 0, 1, 2);
        Exact(torch.linspace(0, 1, 5), [5], 0, 0.25, 0.5, 0.75, 1);
        Exact(torch.linspace(-1, 1, 1), [1], -1);
        Exact(torch.eye(3), [3, 3], 1, 0, 0, 0, 1, 0, 0, 0, 1);
        Exact(torch.eye(2, 3, torch.int64), [2, 3], 1, 0, 0, 0, 1, 0);
        Exact(torch.tensor(2.5, torch.float64), [], 2.5);
    }

    [Fact]
    public void TensorFromEveryDotNetElementTypeKeepsValues()
    {
        RoundTrip(new float[] { 1.5f, -2, 3e7f }, ScalarType.Float32);
        RoundTrip(new double[] { 1e-300, -2, Math.PI }, ScalarType.Float64);
        RoundTrip(new long[] { long.MinValue, 0, long.MaxValue }, ScalarType.Int64);
        RoundTrip(new int[] { int.MinValue, -1, int.MaxValue }, ScalarType.Int32);
        RoundTrip(new short[] { short.MinValue, 7, short.MaxValue }, ScalarType.Int16);
        RoundTrip(new sbyte[] { -128, 0, 127 }, ScalarType.Int8);
        RoundTrip(new byte[] { 0, 128, 255 }, ScalarType.Byte);
        RoundTrip(new Half[] { (Half)0.5, (Half)(-65504), Half.Epsilon }, ScalarType.Float16);
        RoundTrip(new bool[] { true, false, true }, ScalarType.Bool);
    }

    private static void RoundTrip<T>(T[] values, ScalarType type) where T : unmanaged
    {
        using var t = torch.tensor(values);
        Assert.Equal(type, t.dtype);
        Assert.Equal(new long[] { values.Length }, t.shape);
        Assert.Equal(values, t.data<T>());
    }

    [Fact]
    public void TensorFromArrayAndSpanCopiesData()
    {
        using var scope = torch.NewDisposeScope();
        var data = new float[] { 0, 1, 2, 3, 4, 5, 6, 7 };
        var fromArray = torch.tensor(data, 2, 4);
        var fromSpan = torch.tensor<float>(data.AsSpan(2, 4), [2, 2]);
        data[2] = 100;
        Exact(fromArray, [2, 4], 0, 1, 2, 3, 4, 5, 6, 7);
        Exact(fromSpan, [2, 2], 2, 3, 4, 5);
        Assert.Throws<ArgumentException>(() => torch.tensor(data, 3, 3));
        Assert.Throws<ArgumentException>(() => torch.tensor(data, -2, -4));
        Assert.Throws<NotSupportedException>(() => torch.tensor(new char[] { 'a' }));
    }

    [Fact]
    public unsafe void FromArraySharesMemoryBothWays()
    {
        var data = new float[] { 1, 2, 3, 4, 5, 6 };
        using var t = torch.from_array(data, 2, 3);
        fixed (float* p = data)
        {
            Assert.Equal((IntPtr)p, t.data_ptr());
        }
        data[0] = 10;
        Assert.Equal(10, t.data<float>()[0]);
        t.mul_(2);
        Assert.Equal(new float[] { 20, 4, 6, 8, 10, 12 }, data);
        using var row = t.select(0, 1);
        row.fill_(-1);
        Assert.Equal(new float[] { 20, 4, 6, -1, -1, -1 }, data);
    }

    [Fact]
    public void FromArrayKeepsTheArrayAliveUntilTheStorageIsFreed()
    {
        var (tensor, weak) = WrapFreshArray();
        Collect();
        Assert.True(weak.IsAlive, "the array was collected while a tensor still used it");
        var view = tensor.view(2, 2);
        tensor.Dispose();
        Collect();
        Assert.True(weak.IsAlive, "the array was collected while a view still used its storage");
        Assert.Equal(new float[] { 0, 1, 2, 3 }, view.data<float>());
        view.Dispose();
        Collect();
        Assert.False(weak.IsAlive, "the pin was not released when the storage was freed");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (Tensor, WeakReference) WrapFreshArray()
    {
        var data = new float[] { 0, 1, 2, 3 };
        return (DisposeScope.Detach(torch.from_array(data)), new WeakReference(data));
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
