using System.Text;
using System.Text.Json;
using Vision.Tests.Reference;

namespace Vision.Tests.Tensors;

/// <summary>
/// One computation done both in Vision and in PyTorch: <see cref="Python"/> is an expression over the inputs (bound as
/// globals by name), <see cref="Vision"/> the same computation over the same inputs.
/// </summary>
internal sealed record ReferenceCase(string Name, string Python, Func<IReadOnlyDictionary<string, Tensor>, Tensor> Vision)
{
    /// <summary>
    /// Evaluates every case in one PyTorch run (one interpreter start for the whole table) and asserts that Vision's
    /// results have PyTorch's shapes and values within <paramref name="tol"/>. <paramref name="prelude"/> may define helpers.
    /// </summary>
    public static void AssertAll(IReadOnlyList<ReferenceCase> cases, IReadOnlyDictionary<string, Tensor> inputs, double tol, string prelude = "")
    {
        var script = new StringBuilder("globals().update(inp)\n").AppendLine(prelude);
        foreach (var c in cases)
        {
            script.AppendLine($"_r = {c.Python}");
            script.AppendLine($"out[{JsonSerializer.Serialize(c.Name)}] = {{'shape': list(_r.shape), 'values': _r}}");
        }
        var reference = TorchReference.Run(script.ToString(), inputs);
        var failures = new List<string>();
        foreach (var c in cases)
        {
            using var scope = torch.NewDisposeScope();
            var expected = reference.GetProperty(c.Name);
            var shape = expected.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var values = TorchReference.Doubles(expected.GetProperty("values"));
            var actual = c.Vision(inputs);
            if (!shape.SequenceEqual(actual.shape))
            {
                failures.Add($"{c.Name}: shape [{string.Join(", ", actual.shape)}], PyTorch [{string.Join(", ", shape)}]");
                continue;
            }
            var got = actual.data<double>();
            var worst = Enumerable.Range(0, values.Length).Select(k => Math.Abs(values[k] - got[k]) / (1 + Math.Abs(values[k]))).DefaultIfEmpty(0).Max();
            if (!(worst <= tol))
            {
                failures.Add($"{c.Name}: relative error {worst:G3} > {tol:G3}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
