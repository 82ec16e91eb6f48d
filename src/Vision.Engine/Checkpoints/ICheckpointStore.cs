namespace Vision.Engine.Checkpoints;

/// <summary>
/// Where checkpoints live (a service the trainer resolves; the default is <see cref="FileCheckpointStore"/>). Saving
/// is atomic: a reader sees either the complete new checkpoint or none, and a failure or crash mid-write never
/// damages an existing checkpoint or the pointer to the latest one.
/// </summary>
public interface ICheckpointStore
{
    /// <summary>The folder (or other root) the store writes under.</summary>
    string Root { get; }

    /// <summary>
    /// Writes <paramref name="checkpoint"/> as <paramref name="name"/> (replacing one of that name) and, with
    /// <paramref name="updateLatest"/>, makes it the latest; returns its location.
    /// </summary>
    string Save(string name, Checkpoint checkpoint, bool updateLatest);

    /// <summary>Reads the checkpoint at <paramref name="location"/> (a name in this store or a path).</summary>
    Checkpoint Load(string location);

    /// <summary>The location of the newest complete checkpoint, or null when there is none.</summary>
    string? FindLatest();

    /// <summary>The checkpoints a run can resume from, most advanced first; a store that cannot tell lists only <see cref="FindLatest"/>.</summary>
    IReadOnlyList<string> FindResumable() => FindLatest() is { } latest ? [latest] : [];

    /// <summary>The names of the complete checkpoints.</summary>
    IReadOnlyList<string> List();

    /// <summary>Deletes checkpoint <paramref name="name"/>, if present.</summary>
    void Delete(string name);
}
