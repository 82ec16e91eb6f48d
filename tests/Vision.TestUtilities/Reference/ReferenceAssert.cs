namespace Vision.Tests.Reference;

/// <summary>Comparisons of Vision's tensors with reference values.</summary>
public static class ReferenceAssert
{
    /// <summary>
    /// Asserts |expected − actual| ≤ rtol · max|expected| + atol elementwise, naming the first difference; returns the
    /// largest |expected − actual| / max|expected| for reports.
    /// </summary>
    public static double Close(double[] expected, Tensor actual, double rtol, string what, double atol = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var values = actual.data<double>();
        Assert.True(expected.Length == values.Length, $"{what}: expected {expected.Length} values, got {values.Length}.");
        var scale = expected.Length == 0 ? 0 : expected.Max(Math.Abs);
        var worst = 0.0;
        for (var i = 0; i < values.Length; i++)
        {
            worst = Math.Max(worst, scale > 0 ? Math.Abs(expected[i] - values[i]) / scale : 0);
            Assert.True(Math.Abs(expected[i] - values[i]) <= rtol * scale + atol,
                $"{what}[{i}]: expected {expected[i]}, got {values[i]} (rtol {rtol} of max |expected| {scale}).");
        }
        return worst;
    }
}
