using Vision.Data.Loading;
using Vision.Data.Samplers;
using Vision.Engine.Evaluation;
using Vision.nn;

namespace Vision.Engine.Distributed;

/// <summary>
/// Makes an evaluation pass over sharded data measure what one process would (MMEngine's <c>collect_results</c>):
/// every rank first takes rank 0's buffers (BatchNorm running statistics drift apart per rank during training), so all
/// evaluate the model rank 0 checkpoints; each rank keeps its logits and targets, and at the end they are gathered
/// (all_gather of equal-length tensors: the <see cref="DistributedSampler"/> padded every share to ceil(n / ranks)),
/// put back in dataset order, cut to the dataset's length, which drops the padding's repeated samples, and fed to
/// the evaluators in the loader's batch size, as one process would have fed them. Every rank ends with the same
/// metrics. With one process the results go straight to the evaluators.
/// </summary>
internal sealed class DistributedEvaluation : IDisposable
{
    private readonly IDistributedContext context;
    private readonly IReadOnlyList<IEvaluator> evaluators;
    private readonly DataLoader loader;
    private readonly List<(Tensor Logits, Tensor Targets)> kept = [];

    public DistributedEvaluation(IDistributedContext context, IReadOnlyList<IEvaluator> evaluators, DataLoader loader, Module<Tensor, Tensor> model)
    {
        this.context = context;
        this.evaluators = evaluators;
        this.loader = loader;
        if (context.WorldSize > 1)
        {
            foreach (var buffer in model.buffers())
            {
                torch.distributed.broadcast(buffer, 0, context.Group);
            }
        }
    }

    /// <summary>Hands one batch's float32 logits and targets to the evaluators, or keeps copies until <see cref="Complete"/>.</summary>
    public void Process(Tensor logits, Tensor targets)
    {
        if (context.WorldSize == 1)
        {
            foreach (var evaluator in evaluators)
            {
                evaluator.Process(logits, targets);
            }
            return;
        }
        kept.Add((logits.detach().clone().DetachFromDisposeScope(), targets.detach().clone().DetachFromDisposeScope()));
    }

    /// <summary>Gathers every rank's results and feeds the evaluators each sample once, in dataset order.</summary>
    /// <exception cref="InvalidOperationException">A rank evaluated fewer samples than its share (samples were skipped).</exception>
    public void Complete()
    {
        if (context.WorldSize == 1)
        {
            return;
        }
        using var scope = torch.NewDisposeScope();
        var expected = loader.Sampler.Count;
        var local = kept.Sum(k => k.Logits.shape[0]);
        // Counts first: all_gather needs equal shapes, and every rank must learn that one of them came up short.
        var counts = Gather(torch.tensor(new[] { local }));
        if (counts.Any(c => c.item<long>() != expected))
        {
            throw new InvalidOperationException(
                $"Distributed evaluation needs every rank's full share of {expected} samples, but the ranks evaluated {string.Join(", ", counts.Select(c => c.item<long>()))} " +
                "(skipped samples or drop_last on an evaluation loader); evaluate with one process or fix the data.");
        }
        var logits = Ordered(torch.cat(kept.Select(k => k.Logits).ToArray()));
        var targets = Ordered(torch.cat(kept.Select(k => k.Targets).ToArray()));
        var batch = loader.Options.BatchSize;
        for (long start = 0; start < logits.shape[0]; start += batch)
        {
            var length = Math.Min(batch, logits.shape[0] - start);
            using var chunkScope = torch.NewDisposeScope();
            var (l, t) = (logits.narrow(0, start, length), targets.narrow(0, start, length));
            foreach (var evaluator in evaluators)
            {
                evaluator.Process(l, t);
            }
        }
    }

    /// <summary>Frees the kept copies.</summary>
    public void Dispose()
    {
        foreach (var (logits, targets) in kept)
        {
            logits.Dispose();
            targets.Dispose();
        }
        kept.Clear();
    }

    private Tensor[] Gather(Tensor local)
    {
        var all = Enumerable.Range(0, context.WorldSize).Select(_ => torch.empty_like(local)).ToArray();
        torch.distributed.all_gather(all, local, context.Group);
        return all;
    }

    // Rank r's i-th sample is entry i·ranks + r of the padded index list, so interleaving the shares rebuilds that list;
    // its first n entries are each dataset index once (in order when the sampler does not shuffle).
    private Tensor Ordered(Tensor local)
    {
        var shape = local.shape;
        var interleaved = torch.stack(Gather(local.contiguous()), dim: 1).reshape([shape[0] * context.WorldSize, .. shape[1..]]);
        return interleaved.narrow(0, 0, loader.Dataset.Count);
    }
}
