using Vision.Data.Loading;
using Vision.Data.Samplers;
using Vision.nn;
using Vision.nn.parallel;

namespace Vision.Engine.Distributed;

/// <summary>
/// What turns a trainer's single-process parts into data-parallel ones, and nothing when it runs alone: each loader
/// is replaced by one over this rank's <see cref="DistributedSampler"/> share (training: shuffled with the loader's
/// seed and the epoch, as the single-process <see cref="RandomSampler"/>, so 2 ranks × batch B visit what 1 process ×
/// batch 2B visits; evaluation: in order, padded, the padding dropped again when results are gathered), and the model
/// is wrapped in <see cref="DistributedDataParallel"/> (after <see cref="SyncBatchNorm.convert_sync_batchnorm"/> when
/// asked). It owns the loaders and the wrapper it made.
/// </summary>
internal sealed class DistributedTraining(IDistributedContext context, DistributedOptions? options) : IDisposable
{
    private readonly DistributedOptions options = options ?? new DistributedOptions();
    private readonly List<DataLoader> shardedLoaders = [];

    /// <summary>The wrapper of the trained model, once <see cref="Wrap"/> made one.</summary>
    public DistributedDataParallel? DataParallel { get; private set; }

    private bool Distributed => context.WorldSize > 1;

    /// <summary>
    /// This rank's share of the training data. A loader with its own sampler (other than the default random or
    /// sequential ones) is kept: such samplers, e.g. <see cref="RepeatAugSampler"/>, take the ranks themselves.
    /// </summary>
    public DataLoader? ShardForTraining(DataLoader? loader) =>
        !Distributed || loader is null || loader.Sampler is not (RandomSampler or SequentialSampler)
            ? loader
            : Own(loader.WithSampler(new DistributedSampler(loader.Dataset.Count, context.WorldSize, context.Rank, loader.Options.Shuffle, loader.Options.Seed)));

    /// <summary>This rank's share of evaluation data: every rank gets ceil(n / world size) samples in dataset order, strided.</summary>
    public DataLoader? ShardForEvaluation(DataLoader? loader) =>
        !Distributed || loader is null || loader.Sampler is DistributedSampler
            ? loader
            : Own(loader.WithSampler(new DistributedSampler(loader.Dataset.Count, context.WorldSize, context.Rank, shuffle: false)));

    /// <summary>The module training forwards go through: <paramref name="model"/> alone, or wrapped for data-parallel training.</summary>
    public Module<Tensor, Tensor> Wrap(Module<Tensor, Tensor> model)
    {
        if (!Distributed)
        {
            return model;
        }
        if (options.SyncBatchNorm)
        {
            SyncBatchNorm.convert_sync_batchnorm(model, context.Group);
        }
        DataParallel = new DistributedDataParallel(model, context.Group, find_unused_parameters: options.FindUnusedParameters);
        return DataParallel;
    }

    /// <summary>Frees the wrapper and the loaders made here (the model and the original loaders stay their owners').</summary>
    public void Dispose()
    {
        DataParallel?.Dispose();
        foreach (var loader in shardedLoaders)
        {
            loader.Dispose();
        }
        shardedLoaders.Clear();
    }

    private DataLoader Own(DataLoader loader)
    {
        shardedLoaders.Add(loader);
        return loader;
    }
}
