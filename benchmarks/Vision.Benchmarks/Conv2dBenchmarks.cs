using BenchmarkDotNet.Attributes;
using F = Vision.nn.functional;

namespace Vision.Benchmarks;

/// <summary>conv2d forward + backward (3×3, 32→64 channels, 32×32 input, batch 8): kernel-bound work where
/// the binding's overhead should vanish.</summary>
[ShortRunJob]
public class Conv2dBenchmarks
{
    private Tensor input = null!;
    private Tensor weight = null!;
    private Tensor bias = null!;

    /// <summary>Intra-op threads (set on libtorch, as in the PyTorch script).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Threads);
        torch.manual_seed(0);
        input = torch.randn(8, 32, 32, 32).DetachFromDisposeScope();
        weight = torch.randn(64, 32, 3, 3).mul_(0.05).requires_grad_().DetachFromDisposeScope();
        bias = torch.zeros([64], torch.float32, requires_grad: true).DetachFromDisposeScope();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        input.Dispose();
        weight.Dispose();
        bias.Dispose();
    }

    [Benchmark]
    public void ForwardBackward()
    {
        using var scope = torch.NewDisposeScope();
        F.conv2d(input, weight, bias, padding: [1]).sum().backward();
        weight.grad = null;
        bias.grad = null;
    }
}
