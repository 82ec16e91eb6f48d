namespace Vision.Engine.Tests.Training;

/// <summary>
/// Trainer tests seed and read the global generator (dropout, initialisation), so they run one at a time and apart
/// from the parallel tests, which could otherwise draw from it in between.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrainerCollection
{
    public const string Name = "Trainer (global random state)";
}
