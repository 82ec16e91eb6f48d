using System.Text.Json;
using System.Text.Json.Serialization;
using Vision.Serialization;

namespace Vision.Engine.Checkpoints;

/// <summary>
/// Checkpoints as folders under <see cref="Root"/>, each holding <c>tensors.safetensors</c> and <c>state.json</c>,
/// plus a <c>latest</c> file naming the newest one:
/// <code>
/// work_dir/checkpoints/
///   epoch_1/ tensors.safetensors, state.json
///   epoch_2/ …
///   recovery_iter_120/ …
///   latest               ("epoch_2")
/// </code>
/// A checkpoint is written into a hidden temporary folder (<c>.tmp-{name}-{id}</c>), every file flushed to disk, and
/// the folder renamed into place; <c>latest</c> is replaced by renaming a flushed temporary file over it. Renames are
/// atomic, so after a failure or crash at any point the previous checkpoint and pointer are intact and no partial
/// checkpoint is visible. Leftover temporary folders are ignored and removed by the next save.
/// </summary>
public class FileCheckpointStore : ICheckpointStore
{
    /// <summary>The tensor file inside a checkpoint folder.</summary>
    public const string TensorsFile = "tensors.safetensors";

    /// <summary>The JSON file inside a checkpoint folder.</summary>
    public const string StateFile = "state.json";

    /// <summary>The file naming the latest checkpoint.</summary>
    public const string LatestFile = "latest";

    private const string TempPrefix = ".tmp-";
    private const string ReplacedPrefix = ".old-";
    private const string DeletingPrefix = ".deleting-";

    /// <summary>The JSON settings of <see cref="StateFile"/>: snake_case keys, indented, non-finite numbers as "NaN"/"Infinity".</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Creates a store that writes under <paramref name="root"/> (created on the first save).</summary>
    public FileCheckpointStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    /// <inheritdoc/>
    public string Root { get; }

    /// <inheritdoc/>
    public string Save(string name, Checkpoint checkpoint, bool updateLatest)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(checkpoint);
        Directory.CreateDirectory(Root);
        RemoveLeftovers();
        var temp = Path.Combine(Root, $"{TempPrefix}{name}-{Guid.NewGuid():N}");
        var target = Path.Combine(Root, name);
        Directory.CreateDirectory(temp);
        try
        {
            WriteTensors(temp, checkpoint.Tensors);
            WriteMeta(temp, checkpoint.Meta);
            DurableFileSystem.SyncDirectory(temp);
            string? replaced = null;
            if (Directory.Exists(target))
            {
                // A folder cannot be renamed over another: move the old one aside first, then drop it.
                replaced = Path.Combine(Root, $"{ReplacedPrefix}{name}-{Guid.NewGuid():N}");
                Directory.Move(target, replaced);
            }
            Directory.Move(temp, target);
            DurableFileSystem.SyncDirectory(Root);
            if (replaced is not null)
            {
                Directory.Delete(replaced, recursive: true);
            }
        }
        catch
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
            throw;
        }
        if (updateLatest)
        {
            WriteLatest(name);
        }
        checkpoint.Location = target;
        return target;
    }

    /// <summary>Writes the checkpoint's tensors into <paramref name="directory"/> (<see cref="TensorsFile"/>).</summary>
    protected virtual void WriteTensors(string directory, IReadOnlyDictionary<string, Tensor> tensors) =>
        SafeTensors.Save(tensors, Path.Combine(directory, TensorsFile));

    /// <summary>Writes the checkpoint's meta data into <paramref name="directory"/> (<see cref="StateFile"/>) and flushes it to disk.</summary>
    protected virtual void WriteMeta(string directory, CheckpointMeta meta)
    {
        using var stream = new FileStream(Path.Combine(directory, StateFile), FileMode.CreateNew, FileAccess.Write);
        JsonSerializer.Serialize(stream, meta, JsonOptions);
        stream.Flush(flushToDisk: true);
    }

    private void WriteLatest(string name)
    {
        var temp = Path.Combine(Root, $"{TempPrefix}{LatestFile}-{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(System.Text.Encoding.UTF8.GetBytes(name));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, Path.Combine(Root, LatestFile), overwrite: true);
            DurableFileSystem.SyncDirectory(Root);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <inheritdoc/>
    public Checkpoint Load(string location)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        var folder = Directory.Exists(location) ? Path.GetFullPath(location) : Path.Combine(Root, location);
        if (!IsComplete(folder))
        {
            throw new FileNotFoundException(
                $"'{location}' is not a complete checkpoint: a checkpoint is a folder holding {TensorsFile} and {StateFile}.", folder);
        }
        var meta = ReadMeta(folder);
        var checkpoint = new Checkpoint(meta) { Location = folder };
        try
        {
            foreach (var (key, tensor) in SafeTensors.Load(Path.Combine(folder, TensorsFile)))
            {
                checkpoint.Tensors[key] = tensor.DetachFromDisposeScope();
            }
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
        return checkpoint;
    }

    /// <inheritdoc/>
    public string? FindLatest()
    {
        var pointer = Path.Combine(Root, LatestFile);
        if (File.Exists(pointer))
        {
            var name = File.ReadAllText(pointer).Trim();
            var folder = Path.Combine(Root, name);
            if (IsValidName(name) && IsComplete(folder))
            {
                return folder;
            }
        }
        // No pointer, or it names a checkpoint that is gone: fall back to the most advanced complete one.
        return List()
            .Select(n => (Folder: Path.Combine(Root, n), Meta: TryReadMeta(Path.Combine(Root, n))))
            .Where(c => c.Meta is not null)
            .OrderBy(c => c.Meta!.Iter).ThenBy(c => c.Meta!.OptimizerSteps).ThenBy(c => c.Meta!.SavedAt)
            .Select(c => c.Folder)
            .LastOrDefault();
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> List()
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }
        return Directory.EnumerateDirectories(Root)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(n => IsValidName(n) && IsComplete(Path.Combine(Root, n)))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <inheritdoc/>
    public void Delete(string name)
    {
        CheckName(name);
        var folder = Path.Combine(Root, name);
        if (Directory.Exists(folder))
        {
            // Renamed first, so a prune interrupted half-way never leaves a half-deleted checkpoint under its name.
            var doomed = Path.Combine(Root, $"{DeletingPrefix}{name}-{Guid.NewGuid():N}");
            Directory.Move(folder, doomed);
            Directory.Delete(doomed, recursive: true);
        }
    }

    /// <summary>
    /// The complete checkpoints a run can resume from, most advanced first (the <see cref="LatestFile"/> pointer's
    /// first); weights-only and unreadable ones are left out, so a damaged newest checkpoint falls back to the one before.
    /// </summary>
    public IReadOnlyList<string> FindResumable()
    {
        var latest = FindLatest();
        var others = List()
            .Select(n => (Folder: Path.Combine(Root, n), Meta: TryReadMeta(Path.Combine(Root, n))))
            .Where(c => c.Meta is { WeightsOnly: false } && c.Folder != latest)
            .OrderByDescending(c => c.Meta!.Iter).ThenByDescending(c => c.Meta!.OptimizerSteps).ThenByDescending(c => c.Meta!.SavedAt)
            .Select(c => c.Folder);
        return latest is null ? [.. others] : [latest, .. others];
    }

    /// <summary>
    /// The checkpoint folder <paramref name="path"/> points at: the folder itself, or the latest checkpoint of a
    /// checkpoint root or of a work dir's <c>checkpoints/</c>.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no trainer checkpoint there.</exception>
    public static string Locate(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(Path.Combine(path, StateFile)))
        {
            return Path.GetFullPath(path);
        }
        foreach (var root in new[] { path, Path.Combine(path, "checkpoints") })
        {
            if (Directory.Exists(root) && new FileCheckpointStore(root).FindLatest() is { } latest)
            {
                return latest;
            }
        }
        throw new FileNotFoundException($"No trainer checkpoint at '{path}' (expected a checkpoint folder, a checkpoint root or a work dir).", path);
    }

    /// <summary>Reads the meta data of the checkpoint folder <paramref name="folder"/>.</summary>
    public static CheckpointMeta ReadMeta(string folder)
    {
        var path = Path.Combine(folder, StateFile);
        using var stream = File.OpenRead(path);
        try
        {
            return JsonSerializer.Deserialize<CheckpointMeta>(stream, JsonOptions)
                ?? throw new InvalidDataException($"'{path}' holds no checkpoint state.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not a readable checkpoint state: {e.Message}", e);
        }
    }

    private static CheckpointMeta? TryReadMeta(string folder)
    {
        try
        {
            return ReadMeta(folder);
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidDataException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsComplete(string folder) =>
        File.Exists(Path.Combine(folder, TensorsFile)) && File.Exists(Path.Combine(folder, StateFile));

    // Temporary folders of interrupted saves and deletions are deleted; a checkpoint moved aside for replacement whose
    // replacement never arrived is moved back, since it is the only complete copy.
    private void RemoveLeftovers()
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(Root))
        {
            var entryName = Path.GetFileName(entry);
            if (entryName.StartsWith(TempPrefix, StringComparison.Ordinal) || entryName.StartsWith(DeletingPrefix, StringComparison.Ordinal))
            {
                DeleteEntry(entry);
            }
            else if (entryName.StartsWith(ReplacedPrefix, StringComparison.Ordinal))
            {
                var original = Path.Combine(Root, OriginalName(entryName));
                if (Directory.Exists(original))
                {
                    DeleteEntry(entry);
                }
                else
                {
                    Directory.Move(entry, original);
                }
            }
        }
    }

    // ".old-{name}-{32 hex digits}" → name.
    private static string OriginalName(string replaced) => replaced[ReplacedPrefix.Length..^33];

    private static void DeleteEntry(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        else
        {
            File.Delete(path);
        }
    }

    private static bool IsValidName(string name) =>
        name.Length > 0 && !name.StartsWith('.') && name != LatestFile && name.IndexOfAny(['/', '\\']) < 0 && name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0;

    private static void CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!IsValidName(name))
        {
            throw new ArgumentException($"'{name}' cannot name a checkpoint: use a plain folder name that does not start with '.'.", nameof(name));
        }
    }
}
