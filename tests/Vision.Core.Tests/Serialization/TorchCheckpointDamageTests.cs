using System.IO.Compression;
using System.Text;
using Vision.Serialization;

namespace Vision.Tests.Serialization;

/// <summary>
/// Damaged and hostile <c>.pth</c> files: each gives an <see cref="InvalidDataException"/> that names the file and
/// the problem, never a crash, a hang, a huge allocation or another exception type.
/// </summary>
public sealed class TorchCheckpointDamageTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void EveryTruncationIsAClearError()
    {
        var valid = ValidFile();
        var bytes = File.ReadAllBytes(valid);
        var cut = dir.File("cut.pth");
        for (var length = 0; length < bytes.Length; length += length < 64 ? 1 : 37)
        {
            File.WriteAllBytes(cut, bytes[..length]);
            var error = Assert.Throws<InvalidDataException>(() => StateDictFile.Load(cut));
            Assert.Contains(cut, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryCorruptedByteOfThePickleAndDirectoryLoadsOrIsAClearError()
    {
        var bytes = File.ReadAllBytes(ValidFile());
        var pickleStart = bytes.AsSpan().IndexOf([(byte)0x80, (byte)2]);
        var positions = Enumerable.Range(pickleStart, 160).Concat(Enumerable.Range(bytes.Length - 300, 300));
        var damaged = dir.File("damaged.pth");
        foreach (var position in positions)
        {
            foreach (var value in new byte[] { 0x00, 0xFF, (byte)(bytes[position] ^ 0x01) })
            {
                var copy = (byte[])bytes.Clone();
                copy[position] = value;
                File.WriteAllBytes(damaged, copy);
                try
                {
                    using var scope = torch.NewDisposeScope();
                    StateDictFile.Load(damaged);
                }
                catch (InvalidDataException e)
                {
                    Assert.Contains(damaged, e.Message, StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public void WrongMagicIsTakenForSafeTensorsAndRejectedThere()
    {
        var path = dir.File("random.pth");
        File.WriteAllBytes(path, [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 37 + 11))]);
        var error = Assert.Throws<InvalidDataException>(() => StateDictFile.Load(path));
        Assert.Contains("safetensors", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AZipThatIsNoCheckpointAMissingStorageAndACompressedRecordAreNamed()
    {
        var pickle = TensorPickle("FloatStorage", 4, [4], [1]);
        var other = Zip("other.zip", ("readme/notes.txt", "hello"u8.ToArray()));
        Assert.Contains("no NAME/data.pkl", Assert.Throws<InvalidDataException>(() => StateDictFile.Load(other)).Message, StringComparison.Ordinal);

        var missing = Zip("missing.pth", ("archive/data.pkl", pickle));
        Assert.Contains("storage '0' has no record data/0", Assert.Throws<InvalidDataException>(() => StateDictFile.Load(missing)).Message, StringComparison.Ordinal);

        var compressed = Zip("compressed.pth", CompressionLevel.Optimal, ("archive/data.pkl", pickle), ("archive/data/0", new byte[16]));
        Assert.Contains("compressed (method 8)", Assert.Throws<InvalidDataException>(() => StateDictFile.Load(compressed)).Message, StringComparison.Ordinal);

        var valid = Zip("valid.pth", ("archive/data.pkl", pickle), ("archive/data/0", new byte[16]));
        using var scope = torch.NewDisposeScope();
        Assert.Equal([0f, 0, 0, 0], StateDictFile.Load(valid)["w"].data<float>());
    }

    [Fact]
    public void HugeDeclaredSizesAreRefusedBeforeAnythingIsAllocated()
    {
        var data = ("archive/data/0", new byte[16]);
        var hugeStorage = Zip("huge_storage.pth", ("archive/data.pkl", TensorPickle("FloatStorage", 1L << 60, [4], [1])), data);
        Assert.Contains("declares 1152921504606846976 Float32 elements", Assert.Throws<InvalidDataException>(() => StateDictFile.Load(hugeStorage)).Message, StringComparison.Ordinal);

        var hugeTensor = Zip("huge_tensor.pth", ("archive/data.pkl", TensorPickle("FloatStorage", 4, [1L << 40, 1L << 40], [1L << 40, 1])), data);
        Assert.Contains("reaches element", Assert.Throws<InvalidDataException>(() => StateDictFile.Load(hugeTensor)).Message, StringComparison.Ordinal);

        var negative = Zip("negative.pth", ("archive/data.pkl", TensorPickle("FloatStorage", 4, [-2], [1])), data);
        Assert.Contains("do not describe a tensor", Assert.Throws<InvalidDataException>(() => StateDictFile.Load(negative)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForbiddenGlobalsAreRefusedByNameWhateverOpcodeNamesThem()
    {
        var data = ("archive/data/0", new byte[16]);
        var global = Zip("global.pth", ("archive/data.pkl", TensorPickle("FloatStorage", 4, [4], [1], extraGlobal: ("os", "system"))), data);
        Assert.Contains("'os.system'", Assert.Throws<InvalidDataException>(() => StateDictFile.Load(global)).Message, StringComparison.Ordinal);

        // STACK_GLOBAL (protocol 4) with the names pushed as strings.
        var stackGlobal = new List<byte> { 0x80, 4 };
        stackGlobal.AddRange(ShortText("builtins"));
        stackGlobal.AddRange(ShortText("eval"));
        stackGlobal.AddRange([0x93, (byte)'.']);
        var viaStack = Zip("stack_global.pth", ("archive/data.pkl", [.. stackGlobal]), data);
        Assert.Contains("'builtins.eval'", Assert.Throws<InvalidDataException>(() => StateDictFile.Load(viaStack)).Message, StringComparison.Ordinal);

        var storageClass = Zip("storage_class.pth", ("archive/data.pkl", TensorPickle("ComplexFloatStorage", 4, [4], [1])), data);
        Assert.Contains("'torch.ComplexFloatStorage'", Assert.Throws<InvalidDataException>(() => StateDictFile.Load(storageClass)).Message, StringComparison.Ordinal);
    }

    private string ValidFile()
    {
        using var scope = torch.NewDisposeScope();
        var path = dir.File("valid.pth");
        TorchCheckpoint.Save(new Dictionary<string, Tensor> { ["w"] = torch.arange(64, ScalarType.Float32), ["b"] = torch.ones([3, 2], ScalarType.Int64) }, path);
        return path;
    }

    private string Zip(string name, params (string Name, byte[] Data)[] entries) => Zip(name, CompressionLevel.NoCompression, entries);

    private string Zip(string name, CompressionLevel level, params (string Name, byte[] Data)[] entries)
    {
        var path = dir.File(name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (entry, data) in entries)
        {
            using var stream = zip.CreateEntry(entry, level).Open();
            stream.Write(data);
        }
        return path;
    }

    // {"w": _rebuild_tensor_v2(('storage', torch.<storageClass>, '0', 'cpu', count), 0, size, stride, False, None)}, by hand,
    // so sizes torch itself would never write can be declared.
    private static byte[] TensorPickle(string storageClass, long count, long[] size, long[] stride, (string Module, string Name)? extraGlobal = null)
    {
        var p = new List<byte> { 0x80, 2, (byte)'}' };
        p.AddRange(ShortText("w"));
        p.AddRange(Global("torch._utils", "_rebuild_tensor_v2"));
        p.Add((byte)'(');
        p.Add((byte)'(');
        p.AddRange(ShortText("storage"));
        p.AddRange(Global("torch", storageClass));
        p.AddRange(ShortText("0"));
        p.AddRange(ShortText("cpu"));
        p.AddRange(Long(count));
        p.AddRange([(byte)'t', (byte)'Q']);
        p.AddRange(Long(0));
        foreach (var values in new[] { size, stride })
        {
            p.Add((byte)'(');
            foreach (var v in values)
            {
                p.AddRange(Long(v));
            }
            p.Add((byte)'t');
        }
        p.AddRange([0x89, (byte)'N', (byte)'t', (byte)'R', (byte)'s']);
        if (extraGlobal is var (module, name))
        {
            p.AddRange(ShortText("x"));
            p.AddRange(Global(module, name));
            p.Add((byte)'s');
        }
        p.Add((byte)'.');
        return [.. p];
    }

    private static byte[] Global(string module, string name) => [(byte)'c', .. Encoding.ASCII.GetBytes(module + "\n" + name + "\n")];

    private static byte[] ShortText(string text) => [0x8c, (byte)text.Length, .. Encoding.UTF8.GetBytes(text)];

    private static byte[] Long(long value) => [0x8a, 8, .. BitConverter.GetBytes(value)];
}
