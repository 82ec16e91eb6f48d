using System.IO.MemoryMappedFiles;
using static Vision.Native.NativeMethods;

namespace Vision.Serialization;

/// <summary>
/// A safetensors file opened for reading tensor by tensor, as <c>safetensors.safe_open</c> does: the header is read
/// and validated up front, the data is memory-mapped, and <see cref="GetTensor"/> copies one tensor into a new CPU
/// tensor, so a checkpoint larger than memory can be read piecewise. Dispose it to unmap the file; tensors already
/// read own their data and stay valid. Reads may run on several threads at once; Dispose must not race them.
/// </summary>
public sealed unsafe class SafeTensorsFile : IDisposable
{
    private readonly SafeTensorsHeader header;
    private readonly MemoryMappedFile map;
    private readonly MemoryMappedViewAccessor view;
    private byte* data;

    /// <summary>Opens and validates <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed safetensors file (the message names the file and the key or offset).</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public SafeTensorsFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            header = SafeTensorsHeader.Read(stream, Path);
            map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        try
        {
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref data);
            data += view.PointerOffset + header.DataStart;
        }
        catch
        {
            view?.Dispose();
            map.Dispose();
            throw;
        }
    }

    /// <summary>The full path of the file.</summary>
    public string Path { get; }

    /// <summary>The tensor names, in the order their data lies in the file.</summary>
    public IReadOnlyList<string> Keys => header.Keys;

    /// <summary>The header's <c>__metadata__</c> strings (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata => header.Metadata;

    /// <summary>Whether the file holds a tensor named <paramref name="name"/>.</summary>
    public bool Contains(string name) => header.Tensors.ContainsKey(name);

    /// <summary>The dtype, shape and byte range of tensor <paramref name="name"/>, without reading its data.</summary>
    /// <exception cref="KeyNotFoundException">The file has no such tensor.</exception>
    public SafeTensorInfo GetInfo(string name) =>
        header.Tensors.TryGetValue(name, out var info) ? info : throw new KeyNotFoundException($"'{Path}' has no tensor '{name}'.");

    /// <summary>Copies tensor <paramref name="name"/> into a new CPU tensor (registered with the current dispose scope, if any).</summary>
    /// <exception cref="KeyNotFoundException">The file has no such tensor.</exception>
    public Tensor GetTensor(string name)
    {
        var info = GetInfo(name);
        ObjectDisposedException.ThrowIf(data == null, this);
        var shape = info.Shape.ToArray();
        fixed (long* s = shape)
        {
            // One copy, straight from the mapping into the tensor's storage; the dtype code is passed as is, so
            // bfloat16 and float16 bits move unchanged without a .NET type for them.
            return Tensor.Wrap(vt_from_data((IntPtr)(data + info.Begin), s, shape.Length, (int)info.DType, out var r), r);
        }
    }

    /// <summary>Unmaps the file.</summary>
    public void Dispose()
    {
        if (data != null)
        {
            data = null;
            view.SafeMemoryMappedViewHandle.ReleasePointer();
            view.Dispose();
            map.Dispose();
        }
    }
}
