namespace Vision.Serialization;

/// <summary>
/// Reads and writes the Hugging Face safetensors format: an 8-byte little-endian header size, a UTF-8 JSON header
/// (<c>{"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, "__metadata__": {...}}</c>), then
/// the tensors' raw little-endian row-major bytes. Files are written exactly as the reference (Rust) writer does,
/// and read with its validation rules. Supported dtypes: F16, BF16, F32, F64, I8, U8, I16, I32, I64, BOOL.
/// For reading key by key, see <see cref="SafeTensorsFile"/> and <see cref="ShardedSafeTensors"/>.
/// </summary>
public static unsafe class SafeTensors
{
    /// <summary>
    /// Writes <paramref name="tensors"/> (any device, any layout) to <paramref name="path"/>. The file is written
    /// to a temporary file in the same folder and then renamed over <paramref name="path"/>, so a failure or crash
    /// never leaves a partial file there: either the old file or the complete new one.
    /// </summary>
    /// <param name="tensors">The tensors by name; <c>__metadata__</c> is reserved and cannot be a name.</param>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="metadata">Free-form strings stored in the header's <c>__metadata__</c> (omitted when null).</param>
    /// <exception cref="ArgumentException">A name is reserved, a tensor is null or has a dtype the format cannot store.</exception>
    public static void Save(IReadOnlyDictionary<string, Tensor> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var target = Path.GetFullPath(path);
        // Everything is checked and the header built before the temporary file exists, so bad input never touches the disk.
        var entries = new List<(string Name, Tensor Tensor, SafeTensorInfo Info)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
        {
            // Only a custom dictionary can repeat a key, but the file would then be unreadable, so refuse it here.
            if (!names.Add(name))
            {
                throw new ArgumentException($"Tensor '{name}' appears twice (saving '{target}').", nameof(tensors));
            }
            entries.Add((name, tensor, Describe(name, tensor, target)));
        }
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            if (value is null)
            {
                throw new ArgumentException($"Metadata entry '{key}' is null; safetensors metadata values are strings.", nameof(metadata));
            }
        }
        // The reference writer's layout: larger-alignment dtypes first, then by name, so every tensor's data is aligned.
        entries.Sort((a, b) =>
        {
            var byType = SafeTensorsDType.RankOf(b.Info.DType).CompareTo(SafeTensorsDType.RankOf(a.Info.DType));
            return byType != 0 ? byType : Utf8Order.Instance.Compare(a.Name, b.Name);
        });
        long offset = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            var info = entries[i].Info;
            var end = checked(offset + info.NumElements * SafeTensorsDType.SizeOf(info.DType));
            entries[i] = (entries[i].Name, entries[i].Tensor, info with { Begin = offset, End = end });
            offset = end;
        }
        var header = SafeTensorsHeader.Encode(entries.Select(e => (e.Name, e.Info)), metadata);
        WriteAtomically(target, stream =>
        {
            Span<byte> size = stackalloc byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(size, (ulong)header.Length);
            stream.Write(size);
            stream.Write(header);
            foreach (var (_, tensor, info) in entries)
            {
                WriteData(stream, tensor, info.ByteLength);
            }
        });
    }

    /// <summary>Reads every tensor of <paramref name="path"/> into new CPU tensors (registered with the current dispose scope, if any).</summary>
    /// <exception cref="InvalidDataException">The file is malformed; nothing is returned and nothing stays allocated.</exception>
    public static Dictionary<string, Tensor> Load(string path)
    {
        using var file = new SafeTensorsFile(path);
        return ReadAll(file.Keys, file.GetTensor);
    }

    /// <summary>
    /// Reads every tensor of the sharded checkpoint in <paramref name="directory"/> (the shards listed by its
    /// <c>model.safetensors.index.json</c>) into new CPU tensors.
    /// </summary>
    /// <exception cref="InvalidDataException">The index or a shard is malformed; nothing is returned and nothing stays allocated.</exception>
    public static Dictionary<string, Tensor> LoadSharded(string directory)
    {
        using var checkpoint = new ShardedSafeTensors(directory);
        return ReadAll(checkpoint.Keys, checkpoint.GetTensor);
    }

    /// <summary>The header's <c>__metadata__</c> strings of <paramref name="path"/> (empty when absent), reading only the header.</summary>
    /// <exception cref="InvalidDataException">The file is malformed.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read);
        return SafeTensorsHeader.Read(stream, full).Metadata;
    }

    private static SafeTensorInfo Describe(string name, Tensor? tensor, string target)
    {
        if (name == SafeTensorsHeader.MetadataKey)
        {
            throw new ArgumentException($"'{name}' is reserved for the header's metadata and cannot name a tensor (saving '{target}').", "tensors");
        }
        if (tensor is null)
        {
            throw new ArgumentException($"Tensor '{name}' is null (saving '{target}').", "tensors");
        }
        if (tensor.IsDisposed)
        {
            throw new ObjectDisposedException($"tensor '{name}'", $"Tensor '{name}' was disposed before it could be saved to '{target}'.");
        }
        var dtype = tensor.dtype;
        if (!SafeTensorsDType.IsSupported(dtype))
        {
            throw new ArgumentException($"Tensor '{name}' has dtype {dtype}, which safetensors cannot store (supported: {SafeTensorsDType.SupportedNames}).", "tensors");
        }
        return new SafeTensorInfo(dtype, tensor.shape, 0, 0);
    }

    /// <summary>Writes the <paramref name="bytes"/> bytes of <paramref name="tensor"/>'s elements, row-major, copying only when it is not a dense CPU tensor.</summary>
    internal static void WriteData(Stream stream, Tensor tensor, long bytes)
    {
        if (bytes == 0)
        {
            return;
        }
        // New handles that share the tensor's data when it already is a dense CPU tensor; copies otherwise.
        using var host = tensor.to(Device.CPU);
        using var dense = host.contiguous();
        var p = (byte*)dense.data_ptr();
        const int chunk = 1 << 30;
        for (long done = 0; done < bytes; done += chunk)
        {
            stream.Write(new ReadOnlySpan<byte>(p + done, (int)Math.Min(chunk, bytes - done)));
        }
    }

    /// <summary>Runs <paramref name="write"/> on a temporary file next to <paramref name="target"/> and renames it over <paramref name="target"/> once complete.</summary>
    internal static void WriteAtomically(string target, Action<FileStream> write)
    {
        var temp = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                // On disk before the rename, so a power loss cannot leave the new name pointing at missing data.
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static Dictionary<string, Tensor> ReadAll(IEnumerable<string> keys, Func<string, Tensor> read)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var key in keys)
            {
                result.Add(key, read(key));
            }
            return result;
        }
        catch
        {
            foreach (var tensor in result.Values)
            {
                tensor.Dispose();
            }
            throw;
        }
    }
}
