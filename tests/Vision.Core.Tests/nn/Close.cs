namespace Vision.Tests.nn;

/// <summary>Elementwise comparison of numeric results with a tolerance, naming what differs.</summary>
internal static class Close
{
    public static void Equal(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}.");
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])),
                $"{what}[{i}]: expected {expected[i]}, got {actual[i]} (tolerance {tolerance}).");
        }
    }

    public static void Equal(double[] expected, Tensor actual, double tolerance, string what) =>
        Equal(expected, actual.data<double>(), tolerance, what);
}
