using System.IO.MemoryMappedFiles;
using System.Text;

namespace Vision.Serialization;

/// <summary>
/// A PyTorch checkpoint written by <c>torch.save</c> (the zip format of torch 1.6 and later: <c>NAME/data.pkl</c>,
/// <c>NAME/data/KEY</c> storages, <c>NAME/byteorder</c>, <c>NAME/version</c>), opened for reading without Python.
/// The zip directory and the pickle are read from a memory map, the pickle with the rules of
/// <c>torch.load(weights_only=True)</c> (see <see cref="Root"/>); tensor data is read once, straight from the file
/// into a new tensor's memory, only when <see cref="GetTensor(string)"/> asks for it, so reading a model's state dict
/// never touches optimizer storages and holds no second copy of the data.
/// Dispose it to unmap the file; tensors already read own their data.
/// </summary>
public sealed unsafe class TorchCheckpointFile : IDisposable
{
    private readonly FileStream stream;
    private readonly MemoryMappedFile map;
    private readonly MemoryMappedViewAccessor view;
    private readonly TorchZipDirectory directory;
    private readonly string prefix;
    private byte* file;

    /// <summary>Opens <paramref name="path"/> and reads its pickle (no tensor data yet).</summary>
    /// <exception cref="InvalidDataException">The file is not a readable torch zip checkpoint, or its pickle is refused (the message names the file and the cause).</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public TorchCheckpointFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        var length = new FileInfo(Path).Exists ? new FileInfo(Path).Length : throw new FileNotFoundException($"No checkpoint file at '{Path}'.", Path);
        if (length == 0)
        {
            throw Invalid(Path, "the file is empty.");
        }
        stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        try
        {
            map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref file);
            file += view.PointerOffset;
            directory = new TorchZipDirectory(file, length, Path);
            var pickle = directory.Names.Where(n => n.EndsWith("/data.pkl", StringComparison.Ordinal) && n.IndexOf('/') == n.Length - "/data.pkl".Length).ToList();
            if (pickle.Count != 1)
            {
                throw Invalid(Path, pickle.Count == 0
                    ? "the archive has no NAME/data.pkl record; it is a zip file but not a torch.save checkpoint (a TorchScript archive? use torch.save(model.state_dict(), path))."
                    : $"the archive has several data.pkl records ({string.Join(", ", pickle)}).");
            }
            prefix = pickle[0][..^"data.pkl".Length];
            CheckByteOrder();
            var (start, size) = directory.Find(pickle[0])!.Value;
            Root = TorchUnpickler.Load(file + start, size, Path, key => directory.Find(prefix + "data/" + key)?.Length);
            (StateDict, StateDictLocation) = TorchStateDicts.Locate(Root);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The full path of the file.</summary>
    public string Path { get; }

    /// <summary>
    /// The unpickled object: dicts as <see cref="OrderedDictionary{TKey, TValue}"/>, lists as <see cref="List{T}"/>,
    /// tuples as <c>object?[]</c>, tensors as <see cref="TorchTensorInfo"/>, and strings, longs, doubles, bools, bytes, null.
    /// </summary>
    public object? Root { get; }

    /// <summary>
    /// The tensors of the model's state dict, found the way training frameworks store it: the value of
    /// <c>state_dict</c> (MMEngine, Lightning) or <c>model</c> (DeiT, CAS-ViT), or the whole object; nested dicts and
    /// lists are flattened with dots (<c>a.b.0</c>); non-tensor values are left out; a <c>module.</c> prefix that every
    /// key has (DataParallel) is removed.
    /// </summary>
    public IReadOnlyDictionary<string, TorchTensorInfo> StateDict { get; }

    /// <summary>Where <see cref="StateDict"/> was found: "" for the whole object, otherwise the key (e.g. "state_dict").</summary>
    public string StateDictLocation { get; }

    /// <summary>Copies state-dict tensor <paramref name="key"/> into a new dense CPU tensor (registered with the current dispose scope, if any).</summary>
    /// <exception cref="KeyNotFoundException">The state dict has no such key.</exception>
    public Tensor GetTensor(string key) =>
        StateDict.TryGetValue(key, out var info) ? GetTensor(info) : throw new KeyNotFoundException($"'{Path}' has no tensor '{key}' in its state dict.");

    /// <summary>Copies the tensor <paramref name="info"/> (from <see cref="Root"/> or <see cref="StateDict"/>) into a new dense CPU tensor.</summary>
    public Tensor GetTensor(TorchTensorInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var result = torch.empty(info.Shape.ToArray(), info.DType);
        try
        {
            ReadInto(info, result);
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the data of <paramref name="info"/> into <paramref name="target"/>, a dense CPU tensor of its shape and
    /// dtype. Makes no libtorch calls, so several reads may run on other threads at once (Dispose must not race them).
    /// </summary>
    internal void ReadInto(TorchTensorInfo info, Tensor target)
    {
        ObjectDisposedException.ThrowIf(file == null, this);
        if (info.NumElements == 0)
        {
            return;
        }
        // The unpickler checked that the storage record exists and that every element of the view lies inside it.
        var (start, _) = directory.Find(prefix + "data/" + info.StorageKey)!.Value;
        var itemSize = TorchStorageTypes.SizeOf(info.DType);
        var offset = start + info.StorageOffset * itemSize;
        var data = (byte*)target.data_ptr();
        if (!info.IsContiguous)
        {
            CopyStrided(file + offset, data, info.Shape, info.Stride, 0, itemSize);
            return;
        }
        // A read straight into the tensor is one copy and faster than copying from the map: no page faults on the map.
        var bytes = info.NumElements * itemSize;
        for (long done = 0; done < bytes;)
        {
            var read = RandomAccess.Read(stream.SafeFileHandle, new Span<byte>(data + done, (int)Math.Min(bytes - done, 1 << 30)), offset + done);
            done += read > 0 ? read : throw Invalid(Path, $"the file ended while reading storage '{info.StorageKey}' (was it truncated after opening?).");
        }
    }

    /// <summary>Unmaps the file.</summary>
    public void Dispose()
    {
        if (file != null)
        {
            file = null;
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
        view?.Dispose();
        map?.Dispose();
        stream?.Dispose();
    }

    /// <summary>The error for a damaged or refused checkpoint; the message starts with the file.</summary>
    internal static InvalidDataException Invalid(string path, string detail) => new($"Cannot read the PyTorch checkpoint '{path}': {detail}");

    private void CheckByteOrder()
    {
        // Files from torch before 1.10 have no byteorder record and are little-endian.
        if (directory.Find(prefix + "byteorder") is not { } record)
        {
            return;
        }
        var order = Encoding.ASCII.GetString(file + record.Start, (int)Math.Min(record.Length, 16)).Trim();
        if (order != "little")
        {
            throw Invalid(Path, $"its byteorder record says '{order}'; only little-endian checkpoints are supported (re-save it on a little-endian machine).");
        }
    }

    // Copies the view dimension by dimension; a run of contiguous trailing elements is one block copy.
    private static void CopyStrided(byte* source, byte* target, IReadOnlyList<long> shape, IReadOnlyList<long> stride, int dim, int itemSize)
    {
        var contiguous = true;
        long expected = 1, block = 1;
        for (var d = shape.Count - 1; d >= dim; d--)
        {
            contiguous &= shape[d] == 1 || stride[d] == expected;
            expected *= shape[d];
            block = expected;
        }
        if (contiguous)
        {
            Buffer.MemoryCopy(source, target, block * itemSize, block * itemSize);
            return;
        }
        var inner = block / shape[dim] * itemSize;
        for (long i = 0; i < shape[dim]; i++)
        {
            CopyStrided(source + i * stride[dim] * itemSize, target + i * inner, shape, stride, dim + 1, itemSize);
        }
    }
}
