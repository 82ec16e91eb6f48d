using Vision.Data;
using Vision.Data.BatchAugments;
using Vision.Engine.Evaluation;
using Vision.Engine.Hooks;
using Vision.Engine.Optim;
using Vision.Engine.Schedulers;
using Vision.Models.Losses;

namespace Vision.Engine.Configuration;

/// <summary>
/// The registries a configuration's <c>"type"</c> values are looked up in (MMEngine's TRANSFORMS, OPTIMIZERS, …),
/// filled with every public type of Vision that fits. Models are named through
/// <see cref="Vision.Models.Registry.ModelRegistry"/>. Add your own types before building a run:
/// <code>Registries.Transforms.Register&lt;MyTransform&gt;();</code>
/// </summary>
public static class Registries
{
    /// <summary>Datasets (<see cref="IDataset"/>): <c>FashionMnist</c>, <c>ImageFolder</c>.</summary>
    public static ComponentRegistry Datasets { get; } = Of<IDataset>("dataset");

    /// <summary>Per-sample transforms (<see cref="ITransform"/>) for a loader's <c>pipeline</c>.</summary>
    public static ComponentRegistry Transforms { get; } = Of<ITransform>("transform");

    /// <summary>Batch augments (<see cref="IBatchAugment"/>): <c>Mixup</c>, <c>RandomBatchAugment</c>, <c>ResizeMix</c>.</summary>
    public static ComponentRegistry BatchAugments { get; } = Of<IBatchAugment>("batch augment");

    /// <summary>Classification losses (<see cref="ClsLoss"/>) for the model's <c>loss</c>.</summary>
    public static ComponentRegistry Losses { get; } = Of<ClsLoss>("loss");

    /// <summary>Optimizers (<see cref="Optimizer"/>).</summary>
    public static ComponentRegistry Optimizers { get; } = Of<Optimizer>("optimizer");

    /// <summary>Parameter schedulers (<see cref="ParamScheduler"/>).</summary>
    public static ComponentRegistry ParamSchedulers { get; } = Of<ParamScheduler>("parameter scheduler");

    /// <summary>Hooks (<see cref="Hook"/>) for <c>custom_hooks</c>.</summary>
    public static ComponentRegistry Hooks { get; } = Of<Hook>("hook");

    /// <summary>Evaluators (<see cref="IEvaluator"/>).</summary>
    public static ComponentRegistry Evaluators { get; } = Of<IEvaluator>("evaluator");

    /// <summary>The registry whose base type is <paramref name="type"/>, if any (for components nested in others, such as RandomBatchAugment's augments).</summary>
    internal static ComponentRegistry? For(Type type) =>
        new[] { Datasets, Transforms, BatchAugments, Losses, Optimizers, ParamSchedulers, Hooks, Evaluators }.FirstOrDefault(r => r.BaseType == type);

    private static ComponentRegistry Of<TBase>(string kind)
    {
        var registry = new ComponentRegistry(kind, typeof(TBase));
        registry.RegisterPublicTypesOf(typeof(TBase).Assembly);
        if (typeof(TBase).Assembly != typeof(Registries).Assembly)
        {
            registry.RegisterPublicTypesOf(typeof(Registries).Assembly);
        }
        return registry;
    }
}
