namespace Vision.Tests.Reference;

/// <summary>Comparisons of Vision's tensors with reference values.</summary>
public static class ReferenceAssert
{
    /// <summary>Asserts |expected − actual| ≤ rtol · max|expected| + atol elementwise, naming the first difference.</summary>
    public static void Close(double[] expected, Tensor actual, double rtol, string what, double atol = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var values = actual.data<double>();
        Assert.True(expected.Length == values.Length, $"{what}: expected {expected.Length} values, got {values.Length}.");
        var scale = expected.Length == 0 ? 0 : expected.Max(Math.Abs);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - values[i]) <= rtol * scale + atol,
                $"{what}[{i}]: expected {expected[i]}, got {values[i]} (rtol {rtol} of max |expected| {scale}).");
        }
    }
}
