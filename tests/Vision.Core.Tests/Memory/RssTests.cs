using System.Diagnostics;
using Vision.Tests.Tensors;
using F = Vision.nn.functional;

namespace Vision.Tests.Memory;

[Collection(SerialCollection.Name)]
public class RssTests
{
    private const int Warmup = 2_000;
    private const int Steps = 20_000;
    private const long BoundBytes = 30L << 20;

    // The bound is about native memory. Managed garbage (a few hundred bytes per step) is reclaimed at the GC's pace,
    // and a gen0 budget of tens of MB would make the RSS drift without any leak, so it is collected before sampling.
    private static long Rss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]) * 1024;
    }

    [Fact]
    public void TrainingStepsInDisposeScopesKeepTheProcessSizeFlat()
    {
        using var g = new Generator(3);
        using var w = torch.randn([3, 8], torch.float32, generator: g).mul_(0.1).requires_grad_();
        using var b = torch.zeros([3], torch.float32, requires_grad: true);
        using var x = torch.randn([4, 8], torch.float32, generator: g);
        using var target = torch.randn([4, 3], torch.float32, generator: g);
        double firstLoss = 0, lastLoss = 0;
        long rssAfterWarmup = 0;
        var clock = Stopwatch.StartNew();
        for (var step = 1; step <= Steps; step++)
        {
            using (torch.NewDisposeScope())
            {
                // A few kinds of op besides the model (views, indexing, joins, a hook) so a leak in any of them shows.
                var input = torch.cat(x.chunk(2, 1), 1)[.., ..8];
                var output = F.linear(input, w, b);
                using var hook = output.register_hook(grad => grad);
                var loss = F.mse_loss(output, target);
                loss.backward();
                using (torch.no_grad())
                {
                    w.sub_(w.grad!, 0.05);
                    b.sub_(b.grad!, 0.05);
                }
                w.grad = null;
                b.grad = null;
                if (step == 1 || step == Steps)
                {
                    (step == 1 ? ref firstLoss : ref lastLoss) = loss.item<double>();
                }
            }
            if (step == Warmup)
            {
                rssAfterWarmup = Rss();
            }
        }
        var growth = Rss() - rssAfterWarmup;
        Assert.True(growth < BoundBytes, $"RSS grew {growth >> 20} MB over {Steps - Warmup} steps ({clock.Elapsed.TotalSeconds:F1} s)");
        Assert.True(lastLoss < firstLoss / 100, $"the model did not train: loss {firstLoss} -> {lastLoss}");
    }
}
