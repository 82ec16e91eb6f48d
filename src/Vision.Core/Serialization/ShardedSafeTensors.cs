using System.Text.Json;

namespace Vision.Serialization;

/// <summary>
/// A checkpoint split over several safetensors files in one directory, described by the Hugging Face index
/// <c>model.safetensors.index.json</c> (<c>{"metadata": {...}, "weight_map": {"key": "model-00001-of-00002.safetensors"}}</c>).
/// Reads tensor by tensor: each shard is opened (validated and memory-mapped) the first time one of its keys is
/// read, and stays open until this object is disposed. Not safe for concurrent use (shards open lazily).
/// </summary>
public sealed class ShardedSafeTensors : IDisposable
{
    /// <summary>The name of the index file in a sharded checkpoint directory.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly Dictionary<string, string> weightMap;
    private readonly Dictionary<string, SafeTensorsFile> shards = new(StringComparer.Ordinal);
    private readonly string indexPath;
    private bool disposed;

    /// <summary>Reads the index of the checkpoint in <paramref name="directory"/>; shards are opened on demand.</summary>
    /// <exception cref="FileNotFoundException">The directory has no index file.</exception>
    /// <exception cref="InvalidDataException">The index is malformed (the message names the index file and the key).</exception>
    public ShardedSafeTensors(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        indexPath = Path.Combine(Directory, IndexFileName);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(indexPath));
        }
        catch (JsonException e)
        {
            throw Invalid($"not valid JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("expected an object with a \"weight_map\" object.");
            }
            weightMap = ReadWeightMap(map);
            Keys = [.. weightMap.Keys];
            ShardFiles = [.. weightMap.Values.Distinct()];
            Metadata = root.TryGetProperty("metadata", out var metadata) ? ReadMetadata(metadata) : new Dictionary<string, string>();
        }
    }

    /// <summary>The full path of the checkpoint directory.</summary>
    public string Directory { get; }

    /// <summary>The tensor names, in the index's order.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>The shard file names, in order of first appearance in the index.</summary>
    public IReadOnlyList<string> ShardFiles { get; }

    /// <summary>
    /// The index's <c>metadata</c> (e.g. <c>total_size</c>); string values as they are, other JSON values as their
    /// JSON text, since Hugging Face writes numbers there.
    /// </summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Whether the index lists a tensor named <paramref name="name"/>.</summary>
    public bool Contains(string name) => weightMap.ContainsKey(name);

    /// <summary>The dtype, shape and byte range (within its shard) of tensor <paramref name="name"/>, without reading its data.</summary>
    /// <exception cref="KeyNotFoundException">The index has no such tensor.</exception>
    public SafeTensorInfo GetInfo(string name) => ShardOf(name).GetInfo(name);

    /// <summary>Copies tensor <paramref name="name"/> into a new CPU tensor (registered with the current dispose scope, if any).</summary>
    /// <exception cref="KeyNotFoundException">The index has no such tensor.</exception>
    public Tensor GetTensor(string name) => ShardOf(name).GetTensor(name);

    /// <summary>Unmaps every shard opened so far.</summary>
    public void Dispose()
    {
        disposed = true;
        foreach (var shard in shards.Values)
        {
            shard.Dispose();
        }
        shards.Clear();
    }

    private SafeTensorsFile ShardOf(string name)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!weightMap.TryGetValue(name, out var file))
        {
            throw new KeyNotFoundException($"'{indexPath}' lists no tensor '{name}'.");
        }
        if (!shards.TryGetValue(file, out var shard))
        {
            shard = new SafeTensorsFile(Path.Combine(Directory, file));
            shards.Add(file, shard);
        }
        return shard.Contains(name)
            ? shard
            : throw Invalid($"weight_map puts tensor '{name}' in '{file}', but that shard has no such tensor.");
    }

    private Dictionary<string, string> ReadWeightMap(JsonElement map)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in map.EnumerateObject())
        {
            var file = entry.Value.ValueKind == JsonValueKind.String
                ? entry.Value.GetString()!
                : throw Invalid($"weight_map entry '{entry.Name}' must be a file name string, not {entry.Value.ValueKind}.");
            // Shards must be plain names inside the directory: an index from the internet must not reach other files.
            if (file.Length == 0 || Path.GetFileName(file) != file || file is "." or "..")
            {
                throw Invalid($"weight_map entry '{entry.Name}' names '{file}', which is not a file name in the checkpoint directory.");
            }
            if (!result.TryAdd(entry.Name, file))
            {
                throw Invalid($"weight_map lists tensor '{entry.Name}' twice.");
            }
        }
        return result;
    }

    private Dictionary<string, string> ReadMetadata(JsonElement metadata)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata.ValueKind == JsonValueKind.Null)
        {
            return result;
        }
        if (metadata.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"\"metadata\" must be an object, not {metadata.ValueKind}.");
        }
        foreach (var entry in metadata.EnumerateObject())
        {
            result[entry.Name] = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : entry.Value.GetRawText();
        }
        return result;
    }

    private InvalidDataException Invalid(string detail) => new($"Invalid safetensors index '{indexPath}': {detail}");
}
