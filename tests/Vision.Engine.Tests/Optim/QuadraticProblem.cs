using System.Text;
using Vision.Engine.Optim;

namespace Vision.Engine.Tests.Optim;

/// <summary>
/// A small float64 problem for optimizer tests: parameters of several shapes (one starting at zero, to reach the
/// zero-norm branches) and the loss sum_i (c_i * p_i^2 + d_i * p_i), whose gradient 2 c_i p_i + d_i changes with the
/// parameters. The same problem is set up in Python from <see cref="Inputs"/>.
/// </summary>
internal sealed class QuadraticProblem : IDisposable
{
    private static readonly long[][] Shapes = [[3, 4], [5], [2, 3], [4]];

    public QuadraticProblem()
    {
        torch.manual_seed(20240611);
        for (var i = 0; i < Shapes.Length; i++)
        {
            Inputs[$"p{i}"] = i == 3
                ? torch.zeros(Shapes[i], torch.float64).DetachFromDisposeScope()
                : torch.randn(Shapes[i], torch.float64).DetachFromDisposeScope();
            using var r = torch.rand(Shapes[i], torch.float64);
            Inputs[$"c{i}"] = r.add(0.5).DetachFromDisposeScope();
            Inputs[$"d{i}"] = torch.randn(Shapes[i], torch.float64).DetachFromDisposeScope();
        }
    }

    public Dictionary<string, Tensor> Inputs { get; } = [];

    public int Count => Shapes.Length;

    /// <summary>Fresh leaf parameters at the initial values.</summary>
    public Tensor[] NewParams() =>
        Enumerable.Range(0, Shapes.Length).Select(i => Inputs[$"p{i}"].clone().DetachFromDisposeScope().requires_grad_()).ToArray();

    /// <summary>Computes the loss of <paramref name="ps"/> and accumulates its gradients.</summary>
    public void Backward(IReadOnlyList<Tensor> ps)
    {
        using var scope = torch.NewDisposeScope();
        Tensor? loss = null;
        for (var i = 0; i < ps.Count; i++)
        {
            var term = (Inputs[$"c{i}"] * ps[i] * ps[i]).sum() + (Inputs[$"d{i}"] * ps[i]).sum();
            loss = loss is null ? term : loss + term;
        }
        loss!.backward();
    }

    /// <summary>The flattened parameter values after each of <paramref name="steps"/> steps.</summary>
    public double[] Run(Optimizer optimizer, IReadOnlyList<Tensor> ps, int steps)
    {
        var history = new List<double>();
        for (var s = 0; s < steps; s++)
        {
            optimizer.zero_grad();
            Backward(ps);
            optimizer.step();
            foreach (var p in ps)
            {
                history.AddRange(p.data<double>());
            }
        }
        return history.ToArray();
    }

    /// <summary>Python that defines <c>run(make, steps)</c>, the same loop over the same problem with a torch optimizer.</summary>
    public string PythonRunner()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"N = {Shapes.Length}");
        sb.AppendLine("""
def run(make, steps=5):
    ps = [inp[f"p{i}"].clone().requires_grad_(True) for i in range(N)]
    opt = make(ps)
    hist = []
    for _ in range(steps):
        opt.zero_grad(set_to_none=True)
        loss = sum((inp[f"c{i}"] * p * p).sum() + (inp[f"d{i}"] * p).sum() for i, p in enumerate(ps))
        loss.backward()
        opt.step()
        hist.append(torch.cat([p.detach().reshape(-1) for p in ps]))
    return torch.stack(hist)
""");
        return sb.ToString();
    }

    public void Dispose()
    {
        foreach (var t in Inputs.Values)
        {
            t.Dispose();
        }
    }
}
