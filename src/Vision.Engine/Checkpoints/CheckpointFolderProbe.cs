namespace Vision.Engine.Checkpoints;

// Finds a checkpoint folder that cannot be written before training starts, rather than when the first checkpoint is
// due (after an epoch of work): the folder is created and a probe file written and deleted.
internal static class CheckpointFolderProbe
{
    /// <exception cref="IOException">The folder cannot be created or written (the message names it and says why).</exception>
    public static void EnsureWritable(ICheckpointStore store, bool isMainProcess)
    {
        // Only the main process writes checkpoints, and only a file store has a folder to check.
        if (!isMainProcess || store is not FileCheckpointStore)
        {
            return;
        }
        var folder = Path.GetFullPath(store.Root);
        var probe = Path.Combine(folder, $".write-probe-{Environment.ProcessId}");
        // A run that writes no checkpoint leaves no folder behind: what the probe creates, it removes.
        var created = folder;
        while (Path.GetDirectoryName(created) is { } parent && !Directory.Exists(parent) && !File.Exists(parent))
        {
            created = parent;
        }
        var existed = Directory.Exists(folder);
        try
        {
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(probe, [0]);
            File.Delete(probe);
            if (!existed)
            {
                Directory.Delete(created, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"The checkpoint folder '{folder}' cannot be written, so no checkpoint could be saved: {e.Message}", e);
        }
    }
}
