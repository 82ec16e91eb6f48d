namespace Vision.Engine.Checkpoints;

// Finds a checkpoint folder that cannot be written before training starts, rather than when the first checkpoint is
// due (after an epoch of work): a probe file is written and deleted (and the folder, if the probe made it).
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
        var folder = store.Root;
        var probe = Path.Combine(folder, $".write-probe-{Environment.ProcessId}");
        var existed = Directory.Exists(folder);
        try
        {
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(probe, [0]);
            File.Delete(probe);
            // A run that never saves (checkpoints off) leaves no empty folder behind; the first save creates it again.
            if (!existed)
            {
                Directory.Delete(folder);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"The checkpoint folder '{folder}' cannot be written, so no checkpoint could be saved: {e.Message}", e);
        }
    }
}
