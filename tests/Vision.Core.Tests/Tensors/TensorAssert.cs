namespace Vision.Tests.Tensors;

/// <summary>Value assertions shared by the tensor, autograd and memory tests.</summary>
internal static class TensorAssert
{
    /// <summary>Asserts elementwise |expected - actual| &lt;= tol * (1 + |expected|); NaN matches NaN.</summary>
    public static void Close(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tol = 1e-6, string what = "")
    {
        Assert.True(expected.Count == actual.Count, $"{what}: expected {expected.Count} elements, got {actual.Count}");
        for (var i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            var ok = double.IsNaN(e) ? double.IsNaN(a) : e == a || Math.Abs(e - a) <= tol * (1 + Math.Abs(e));
            Assert.True(ok, $"{what}[{i}]: expected {e:R}, got {a:R} (tolerance {tol})");
        }
    }

    /// <summary>Asserts the tensor's elements (converted to float64) match <paramref name="expected"/>.</summary>
    public static void Close(IReadOnlyList<double> expected, Tensor actual, double tol = 1e-6, string what = "") =>
        Close(expected, actual.data<double>(), tol, what);

    /// <summary>Asserts the tensor's shape and exact element values.</summary>
    public static void Exact(Tensor actual, long[] shape, params double[] expected)
    {
        Assert.Equal(shape, actual.shape);
        Assert.Equal(expected, actual.data<double>());
    }

    /// <summary>A float64 tensor of the given values and shape (1-d when no shape is given).</summary>
    public static Tensor F64(double[] values, params long[] shape) => torch.tensor(values, shape);
}
