using System.Collections;
using System.Text;
using Vision.Serialization;

namespace Vision.Tests.Serialization;

public sealed class SafeTensorsErrorTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>Writes a file by hand: the header size (given, or the JSON's length), the JSON, then <paramref name="dataLength"/> bytes.</summary>
    private string WriteRaw(string json, int dataLength, ulong? headerSize = null)
    {
        var path = dir.File("bad.safetensors");
        var header = Encoding.UTF8.GetBytes(json);
        File.WriteAllBytes(path, [.. BitConverter.GetBytes(headerSize ?? (ulong)header.Length), .. header, .. new byte[dataLength]]);
        return path;
    }

    private static void AssertRejected(string path, params string[] fragments)
    {
        foreach (var read in new Action[] { () => SafeTensors.Load(path), () => new SafeTensorsFile(path).Dispose(), () => SafeTensors.ReadMetadata(path) })
        {
            var e = Assert.Throws<InvalidDataException>(read);
            Assert.Contains(path, e.Message);
            foreach (var fragment in fragments)
            {
                Assert.Contains(fragment, e.Message);
            }
        }
    }

    [Fact]
    public void RejectsAFileShorterThanTheHeaderSize()
    {
        var path = dir.File("tiny.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        AssertRejected(path, "3 bytes long", "offset 0");
    }

    [Fact]
    public void RejectsAHeaderSizeLargerThanTheFile() =>
        AssertRejected(WriteRaw("{}      ", 0, headerSize: 1000), "header size at offset 0 is 1000 bytes", "only 8 bytes follow");

    [Fact]
    public void RejectsAHeaderSizeOverTheLimit() =>
        AssertRejected(WriteRaw("{}      ", 0, headerSize: 100_000_001), "100000001", "limit");

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"F32\",", 0, "not valid JSON")]
    [InlineData(" {}     ", 0, "does not start with '{'")]
    [InlineData("{\"a\":[1]}", 0, "tensor 'a' must be an object")]
    [InlineData("{\"a\":{\"dtype\":\"F99\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "tensor 'a' has unsupported dtype 'F99'")]
    [InlineData("{\"a\":{\"dtype\":\"U16\",\"shape\":[1],\"data_offsets\":[0,2]}}", 2, "tensor 'a' has unsupported dtype 'U16'")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4, "tensor 'a' has no shape")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, "tensor 'a': shape must be an array of non-negative integers, but holds -1")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4, "tensor 'a': data_offsets must be [begin, end]")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12,
        "tensor 'b' has data_offsets [4, 12], overlapping the previous tensor, which ends at 8")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12,
        "tensor 'b' has data_offsets [8, 12], leaving a gap after offset 4")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,2]}}", 4,
        "tensor 'b' has data_offsets [4, 2], which end before they begin")]
    [InlineData("{\"e\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]},\"f\":{\"dtype\":\"U8\",\"shape\":[2,0],\"data_offsets\":[0,0]},\"g\":{\"dtype\":\"U8\",\"shape\":[],\"data_offsets\":[1,2]}}", 2,
        "tensor 'g' has data_offsets [1, 2], leaving a gap after offset 0")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, "tensor 'a' has data_offsets [0, 8], past the end of the 4-byte data section (file offset 70 > file length 66")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "tensor 'a' of shape [3] and dtype F32 needs 12 bytes, but data_offsets [0, 8] span 8")]
    [InlineData("{\"a\":{\"dtype\":\"I64\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}", 8, "tensor 'a' has shape [4611686018427387904, 4], whose byte size overflows")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8, "4 bytes after the end of the last tensor's data (file offset")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "tensor 'a' appears twice")]
    [InlineData("{\"__metadata__\":{\"n\":1}}", 0, "'__metadata__' entry 'n' must be a string")]
    public void RejectsMalformedHeadersNamingTheKeyOrOffset(string json, int dataLength, string fragment) =>
        AssertRejected(WriteRaw(json, dataLength), fragment);

    [Fact]
    public void RejectsInvalidUtf8InTheHeader()
    {
        var path = dir.File("utf8.safetensors");
        File.WriteAllBytes(path, [8, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'"', 0xFF, (byte)'"', (byte)':', 1, (byte)'}', (byte)' ']);
        AssertRejected(path, "bytes 8 to 16", "not valid UTF-8");
    }

    [Fact]
    public void RejectsATruncatedDataSectionNamingTheLastTensor()
    {
        using var scope = torch.NewDisposeScope();
        var path = dir.File("cut.safetensors");
        SafeTensors.Save(new Dictionary<string, Tensor> { ["w"] = torch.ones(4), ["b"] = torch.ones([2], ScalarType.Int16) }, path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^1]);
        AssertRejected(path, "tensor 'b' has data_offsets [16, 20], past the end of the 19-byte data section");
    }

    [Fact]
    public void FailedLoadLeavesNoTensorAlive()
    {
        using var scope = torch.NewDisposeScope();
        SafeTensors.Save(new Dictionary<string, Tensor> { ["a"] = torch.ones(3) }, dir.File("s1.safetensors"));
        File.WriteAllBytes(dir.File("s2.safetensors"), [8, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'x']);
        File.WriteAllText(dir.File(ShardedSafeTensors.IndexFileName), """{"weight_map": {"a": "s1.safetensors", "b": "s2.safetensors"}}""");
        var before = scope.Count;

        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.LoadSharded(dir.Path));
        Assert.Contains(dir.File("s2.safetensors"), e.Message);
        Assert.Equal(before, scope.Count); // shard 1's tensor was created, then disposed
    }

    [Theory]
    [InlineData("""{"weight_map": {"a": "s1.safetensors", "b": "s1.safetensors"}}""", "weight_map puts tensor 'b' in 's1.safetensors', but that shard has no such tensor")]
    [InlineData("""{"weight_map": {"a": "../s1.safetensors"}}""", "weight_map entry 'a' names '../s1.safetensors', which is not a file name")]
    [InlineData("""{"weight_map": {"a": 3}}""", "weight_map entry 'a' must be a file name string")]
    [InlineData("""{"metadata": {}}""", "\"weight_map\"")]
    [InlineData("""{"weight_map": {"a": "s1.safetensors",}}""", "not valid JSON")]
    public void RejectsMalformedShardIndexes(string index, string fragment)
    {
        using var scope = torch.NewDisposeScope();
        SafeTensors.Save(new Dictionary<string, Tensor> { ["a"] = torch.ones(3) }, dir.File("s1.safetensors"));
        var indexPath = dir.File(ShardedSafeTensors.IndexFileName);
        File.WriteAllText(indexPath, index);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.LoadSharded(dir.Path));
        Assert.Contains(indexPath, e.Message);
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void SaveRejectsTheReservedMetadataName()
    {
        using var scope = torch.NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => SafeTensors.Save(new Dictionary<string, Tensor> { ["__metadata__"] = torch.ones(1) }, dir.File("x.safetensors")));
        Assert.Contains("'__metadata__' is reserved", e.Message);
        Assert.Empty(dir.FileNames());
    }

    [Fact]
    public void SaveRejectsARepeatedName()
    {
        using var scope = torch.NewDisposeScope();
        var repeated = new PairsDictionary([new("w", torch.ones(1)), new("w", torch.zeros(1))]);
        var e = Assert.Throws<ArgumentException>(() => SafeTensors.Save(repeated, dir.File("x.safetensors")));
        Assert.Contains("'w' appears twice", e.Message);
        Assert.Empty(dir.FileNames());
    }

    [Fact]
    public void FailedSaveKeepsTheOldFileIntactAndLeavesNoTempFile()
    {
        using var scope = torch.NewDisposeScope();
        var path = dir.File("model.safetensors");
        SafeTensors.Save(new Dictionary<string, Tensor> { ["old"] = torch.tensor(new float[] { 1, 2 }) }, path);
        var old = File.ReadAllBytes(path);

        var throwing = new PairsDictionary(FailAfter(new("a", torch.ones(2))));
        Assert.Equal("state dict source failed", Assert.Throws<IOException>(() => SafeTensors.Save(throwing, path)).Message);
        var disposed = torch.ones(2);
        disposed.Dispose();
        var e = Assert.Throws<ObjectDisposedException>(() => SafeTensors.Save(new Dictionary<string, Tensor> { ["ok"] = torch.ones(2), ["gone"] = disposed }, path));
        Assert.Contains("'gone'", e.Message);

        Assert.Equal(old, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], dir.FileNames());
    }

    [Fact]
    public void SaveReplacesAnExistingFileAndLeavesNoTempFile()
    {
        using var scope = torch.NewDisposeScope();
        var path = dir.File("model.safetensors");
        SafeTensors.Save(new Dictionary<string, Tensor> { ["old"] = torch.ones(100) }, path);
        SafeTensors.Save(new Dictionary<string, Tensor> { ["new"] = torch.tensor(new long[] { 7 }) }, path);
        Assert.Equal(["model.safetensors"], dir.FileNames());
        Assert.Equal(new long[] { 7 }, SafeTensors.Load(path)["new"].data<long>());
    }

    private static IEnumerable<KeyValuePair<string, Tensor>> FailAfter(KeyValuePair<string, Tensor> first)
    {
        yield return first;
        throw new IOException("state dict source failed");
    }

    /// <summary>A read-only dictionary that enumerates the given pairs as they come (a lazily computed state dict, say), failures and repeats included.</summary>
    private sealed class PairsDictionary(IEnumerable<KeyValuePair<string, Tensor>> pairs) : IReadOnlyDictionary<string, Tensor>
    {
        public Tensor this[string key] => pairs.First(p => p.Key == key).Value;
        public IEnumerable<string> Keys => pairs.Select(p => p.Key);
        public IEnumerable<Tensor> Values => pairs.Select(p => p.Value);
        public int Count => pairs.Count();
        public bool ContainsKey(string key) => pairs.Any(p => p.Key == key);
        public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Tensor value)
        {
            value = pairs.FirstOrDefault(p => p.Key == key).Value;
            return value is not null;
        }
        public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => pairs.GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
