using System.IO.Compression;
using System.Text;

namespace Vision.Serialization;

/// <summary>
/// Reads and writes PyTorch's <c>torch.save</c> zip checkpoints (<c>.pth</c>, <c>.pt</c>, <c>.bin</c>) without Python.
/// Reading follows <c>torch.load(weights_only=True)</c>: tensors of every dtype Vision holds, containers and plain
/// values load; any other pickled global is refused by name and never executed (see <see cref="TorchCheckpointFile"/>).
/// Writing produces the files <c>torch.save(state_dict, path)</c> does, which <c>torch.load</c> reads back.
/// </summary>
public static class TorchCheckpoint
{
    /// <summary>The archive folder name torch uses when it saves to a stream; any name is read.</summary>
    private const string ArchiveName = "archive";

    /// <summary>Threads that read storages at once; a few suffice to overlap the page faults of fresh memory.</summary>
    private static readonly int ReadThreads = Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>The record format version torch 1.13 writes.</summary>
    private const string FormatVersion = "3\n";

    /// <summary>
    /// Reads the model state dict of <paramref name="path"/> (see <see cref="TorchCheckpointFile.StateDict"/>) into
    /// new dense CPU tensors (registered with the current dispose scope, if any).
    /// </summary>
    /// <exception cref="InvalidDataException">The file is damaged or refused; nothing is returned and nothing stays allocated.</exception>
    public static Dictionary<string, Tensor> Load(string path)
    {
        using var file = new TorchCheckpointFile(path);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            // Tensors are made on this thread (so the caller's dispose scope holds them) and filled on several: the
            // cost is the kernel faulting in fresh pages while it copies, which spreads over cores.
            foreach (var (key, info) in file.StateDict)
            {
                result.Add(key, torch.empty(info.Shape.ToArray(), info.DType));
            }
            Parallel.ForEach(file.StateDict, new ParallelOptions { MaxDegreeOfParallelism = ReadThreads }, e => file.ReadInto(e.Value, result[e.Key]));
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

    /// <summary>
    /// Writes <paramref name="tensors"/> (any device, any layout) as a state dict that <c>torch.load(path)</c> returns
    /// as an <c>OrderedDict</c> of CPU tensors. Like <see cref="SafeTensors.Save"/>, the file is written under a
    /// temporary name and renamed, so <paramref name="path"/> never holds a partial file.
    /// </summary>
    /// <exception cref="ArgumentException">A tensor is null or of a type torch checkpoints cannot hold.</exception>
    public static void Save(IReadOnlyDictionary<string, Tensor> tensors, string path)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var target = Path.GetFullPath(path);
        var entries = tensors.Select(e =>
        {
            var tensor = e.Value ?? throw new ArgumentException($"Tensor '{e.Key}' is null (saving '{target}').", nameof(tensors));
            ObjectDisposedException.ThrowIf(tensor.IsDisposed, tensor);
            TorchStorageTypes.NameOf(tensor.dtype);
            return (Name: e.Key, Tensor: tensor, Shape: tensor.shape);
        }).ToList();
        var pickle = TorchPickleWriter.StateDict(entries.Select(e => (e.Name, e.Tensor.dtype, e.Shape)).ToList());
        SafeTensors.WriteAtomically(target, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            Write(zip, "data.pkl", s => s.Write(pickle));
            Write(zip, "byteorder", s => s.Write(Encoding.ASCII.GetBytes("little")));
            for (var i = 0; i < entries.Count; i++)
            {
                var (_, tensor, shape) = entries[i];
                var bytes = shape.Aggregate(1L, (a, b) => checked(a * b)) * TorchStorageTypes.SizeOf(tensor.dtype);
                Write(zip, "data/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), s => SafeTensors.WriteData(s, tensor, bytes));
            }
            Write(zip, "version", s => s.Write(Encoding.ASCII.GetBytes(FormatVersion)));
        });
    }

    private static void Write(ZipArchive zip, string name, Action<Stream> write)
    {
        // torch reads records uncompressed straight from the archive (and so does TorchCheckpointFile).
        using var stream = zip.CreateEntry(ArchiveName + "/" + name, CompressionLevel.NoCompression).Open();
        write(stream);
    }
}
