namespace Vision.Samples.Tests;

/// <summary>The recipes seed and draw from libtorch's global generator, so their tests run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SamplesCollection
{
    public const string Name = "Samples (global random state)";
}
