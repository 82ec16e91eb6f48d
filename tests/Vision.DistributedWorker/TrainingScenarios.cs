using Vision;
using Vision.nn;
using Vision.nn.parallel;
using F = Vision.nn.functional;

namespace Vision.DistributedWorker;

/// <summary>
/// DistributedDataParallel and SyncBatchNorm checked from inside each rank against a reference computed on the whole
/// global batch in the same process: the maximum absolute differences go into the result for the test to assert on.
/// </summary>
internal static class TrainingScenarios
{
    private const int PerRank = 4;

    public static void RunDdp(int rank, int size, Dictionary<string, object> result)
    {
        // Rank-dependent initial weights: wrapping must replace them with rank 0's (seed 100).
        torch.manual_seed((ulong)(100 + rank));
        using var model = Mlp();
        torch.manual_seed(100);
        using var reference = Mlp();
        // Tiny buckets, so the reduction runs in several all-reduces overlapping the backward pass.
        using var ddp = new DistributedDataParallel(model, bucket_cap_mb: 0.0001);
        result["initial_max_diff"] = MaxDiff(model.parameters(), reference.parameters());

        torch.manual_seed(7);
        var x = torch.randn(PerRank * size, 5);
        var y = torch.randint(0, 3, [PerRank * size]);
        var xs = x.narrow(0, rank * PerRank, PerRank);
        var ys = y.narrow(0, rank * PerRank, PerRank);

        // One step: DDP on the shard vs the reference on the whole batch (mean losses, so the averaged gradients agree).
        F.cross_entropy(ddp.forward(xs), ys).backward();
        F.cross_entropy(reference.forward(x), y).backward();
        result["grad_max_diff"] = MaxDiff(Grads(model), Grads(reference));

        // Three SGD steps.
        for (var step = 0; step < 3; step++)
        {
            Sgd(model, 0.1);
            Sgd(reference, 0.1);
            model.zero_grad();
            reference.zero_grad();
            F.cross_entropy(ddp.forward(xs), ys).backward();
            F.cross_entropy(reference.forward(x), y).backward();
        }
        result["sgd_max_diff"] = MaxDiff(model.parameters(), reference.parameters());

        // Accumulation over two micro-batches with no_sync: the first backward stays local, the second reduces the sum.
        model.zero_grad();
        reference.zero_grad();
        using (ddp.no_sync())
        {
            (F.cross_entropy(ddp.forward(xs.narrow(0, 0, 2)), ys.narrow(0, 0, 2)) / 2).backward();
        }
        using (var local = Copy(model))
        {
            (F.cross_entropy(local.forward(xs.narrow(0, 0, 2)), ys.narrow(0, 0, 2)) / 2).backward();
            result["no_sync_local_max_diff"] = MaxDiff(Grads(model), Grads(local));
        }
        (F.cross_entropy(ddp.forward(xs.narrow(0, 2, 2)), ys.narrow(0, 2, 2)) / 2).backward();
        F.cross_entropy(reference.forward(x), y).backward();
        result["no_sync_max_diff"] = MaxDiff(Grads(model), Grads(reference));
    }

    public static void RunUnused(int rank, int size, bool findUnused, Dictionary<string, object> result)
    {
        torch.manual_seed(5);
        using var model = new OneOfTwoHeads();
        using var ddp = new DistributedDataParallel(model, find_unused_parameters: findUnused);
        torch.manual_seed(7);
        var x = torch.randn(PerRank * size, 4);
        var xs = x.narrow(0, rank * PerRank, PerRank);
        try
        {
            for (var step = 0; step < 2; step++)
            {
                model.zero_grad();
                ddp.forward(xs).square().mean().backward();
            }
            result["error"] = "";
            result["unused_grad_is_null"] = model.unused.weight.grad is null;
            torch.manual_seed(5);
            using var reference = new OneOfTwoHeads();
            reference.forward(x).square().mean().backward();
            result["used_grad_max_diff"] = MaxDiff(Grads(model.used), Grads(reference.used));
        }
        catch (TorchException e)
        {
            result["error"] = e.Message;
        }
    }

    public static void RunSyncBatchNorm(int rank, int size, Dictionary<string, object> result)
    {
        torch.manual_seed(11);
        var x = torch.randn(PerRank * size, 3, 4, 4) * 2 + 1;
        var g = torch.randn(PerRank * size, 3, 4, 4);
        var weight = torch.randn(3);
        var bias = torch.randn(3);
        using var sync = new SyncBatchNorm(3);
        using var plain = new BatchNorm2d(3);
        using (torch.no_grad())
        {
            foreach (var norm in new BatchNorm2d[] { sync, plain })
            {
                norm.weight!.copy_(weight);
                norm.bias!.copy_(bias);
            }
        }
        var xs = x.narrow(0, rank * PerRank, PerRank).detach().requires_grad_();
        var xf = x.detach().requires_grad_();
        var ys = sync.forward(xs);
        (ys * g.narrow(0, rank * PerRank, PerRank)).sum().backward();
        var yf = plain.forward(xf);
        (yf * g).sum().backward();
        result["output_max_diff"] = MaxDiff([ys], [yf.narrow(0, rank * PerRank, PerRank)]);
        result["input_grad_max_diff"] = MaxDiff([xs.grad!], [xf.grad!.narrow(0, rank * PerRank, PerRank)]);
        // Each rank holds its share of the parameter gradients; DDP would sum (average) them.
        var weightGrad = sync.weight!.grad!.clone();
        var biasGrad = sync.bias!.grad!.clone();
        torch.distributed.all_reduce(weightGrad);
        torch.distributed.all_reduce(biasGrad);
        result["param_grad_max_diff"] = MaxDiff([weightGrad, biasGrad], [plain.weight!.grad!, plain.bias!.grad!]);
        result["running_stats_max_diff"] = MaxDiff([sync.running_mean!, sync.running_var!], [plain.running_mean!, plain.running_var!]);
        result["running_var_moved"] = MaxDiff([sync.running_var!], [torch.ones(3)]);
    }

    private static Sequential Mlp() => new(new Linear(5, 8), new ReLU(), new Linear(8, 3));

    private static Sequential Copy(Sequential model)
    {
        var copy = Mlp();
        using (torch.no_grad())
        {
            foreach (var (to, from) in copy.parameters().Zip(model.parameters()))
            {
                to.copy_(from);
            }
        }
        return copy;
    }

    private static void Sgd(Module model, double lr)
    {
        using var noGrad = torch.no_grad();
        foreach (var p in model.parameters())
        {
            p.add_(p.grad!, -lr);
        }
    }

    private static IEnumerable<Tensor> Grads(Module model) => model.parameters().Select(p => p.grad!);

    private static double MaxDiff(IEnumerable<Tensor> a, IEnumerable<Tensor> b) =>
        a.Zip(b).Max(pair => (pair.First - pair.Second).abs().max().item<float>());

    /// <summary>Two linear heads of which forward uses one: the other never gets a gradient.</summary>
    private sealed class OneOfTwoHeads : Module<Tensor, Tensor>
    {
        public OneOfTwoHeads()
        {
            used = register_module("used", new Linear(4, 3));
            unused = register_module("unused", new Linear(4, 3));
        }

        public Linear used { get; }

        public Linear unused { get; }

        public override Tensor forward(Tensor input) => used.forward(input);
    }
}
