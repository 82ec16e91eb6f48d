namespace Vision.Tests.Tensors;

/// <summary>
/// Tests that use process-wide state (the global generator, the intra-op thread count, the process RSS) run in this
/// collection, after the parallel ones and one at a time, so other tests cannot disturb them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Process-wide state";
}
