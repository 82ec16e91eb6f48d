using Vision.nn;

namespace Vision.Models.Tests;

/// <summary>Small assertions and fixtures shared by the model tests.</summary>
internal static class Helpers
{
    /// <summary>Asserts |expected - actual| ≤ tolerance · (1 + |expected|) elementwise, naming the worst element.</summary>
    public static void Close(double[] expected, Tensor actual, double tolerance, string what)
    {
        var values = actual.data<double>();
        Assert.True(expected.Length == values.Length, $"{what}: expected {expected.Length} values, got {values.Length}.");
        var worst = Enumerable.Range(0, values.Length).MaxBy(i => Math.Abs(expected[i] - values[i]) / (1 + Math.Abs(expected[i])));
        Assert.True(Math.Abs(expected[worst] - values[worst]) <= tolerance * (1 + Math.Abs(expected[worst])),
            $"{what}[{worst}]: expected {expected[worst]}, got {values[worst]} (tolerance {tolerance}).");
    }

    /// <summary>Whether every state entry of the two modules is bit-identical (same keys in the same order).</summary>
    public static bool SameState(Module a, Module b)
    {
        using var scope = torch.NewDisposeScope();
        var (sa, sb) = (a.state_dict(), b.state_dict());
        return sa.Keys.SequenceEqual(sb.Keys) && sa.Keys.All(k => sa[k].equal(sb[k]));
    }

    /// <summary>Parameter elements of <paramref name="module"/>.</summary>
    public static long CountParameters(Module module) => module.parameters().Sum(p => p.numel());
}

/// <summary>A temporary directory deleted with the test class.</summary>
public sealed class TempDir : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("vision-models-tests-");

    /// <summary>A path inside the directory.</summary>
    public string File(string name) => Path.Combine(dir.FullName, name);

    /// <summary>The directory itself.</summary>
    public string FullName => dir.FullName;

    /// <inheritdoc />
    public void Dispose() => dir.Delete(recursive: true);
}
