using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Vision.Serialization;

/// <summary>
/// The parsed, validated header of a safetensors file, and the encoder of headers for writing. Reading enforces
/// the reference implementation's rules, so a file that passes can be indexed without further checks: the header
/// size is at most 100 MB and lies within the file, the JSON is an object, and the tensors' byte ranges are
/// contiguous from 0, sized numel × itemsize, and cover the data section exactly.
/// </summary>
internal sealed class SafeTensorsHeader
{
    /// <summary>Key of the free-form string map in the header.</summary>
    internal const string MetadataKey = "__metadata__";

    /// <summary>The reference implementation's limit, which guards against reading a huge "header" from a wrong file.</summary>
    internal const long MaxHeaderSize = 100_000_000;

    private SafeTensorsHeader(long dataStart, IReadOnlyList<string> keys, IReadOnlyDictionary<string, SafeTensorInfo> tensors,
        IReadOnlyDictionary<string, string> metadata)
    {
        DataStart = dataStart;
        Keys = keys;
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>File offset of the data section (8 + header size).</summary>
    internal long DataStart { get; }

    /// <summary>Tensor names in data-section order.</summary>
    internal IReadOnlyList<string> Keys { get; }

    /// <summary>Tensor descriptions by name.</summary>
    internal IReadOnlyDictionary<string, SafeTensorInfo> Tensors { get; }

    /// <summary>The <c>__metadata__</c> map (empty when absent).</summary>
    internal IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The error for a malformed file; the message starts with the file so logs of sharded loads say which shard.</summary>
    internal static InvalidDataException Invalid(string path, string detail) => new($"Invalid safetensors file '{path}': {detail}");

    /// <summary>Reads and validates the header of the safetensors file open in <paramref name="stream"/>.</summary>
    internal static SafeTensorsHeader Read(Stream stream, string path)
    {
        var fileLength = stream.Length;
        if (fileLength < 8)
        {
            throw Invalid(path, $"the file is {fileLength} bytes long, too short for the 8-byte header size at offset 0 (truncated?).");
        }
        Span<byte> prefix = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(prefix);
        var size = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (size > MaxHeaderSize)
        {
            throw Invalid(path, $"the header size at offset 0 is {size} bytes, over the {MaxHeaderSize}-byte limit (not a safetensors file?).");
        }
        var headerLength = (long)size;
        if (8 + headerLength > fileLength)
        {
            throw Invalid(path, $"the header size at offset 0 is {headerLength} bytes, but only {fileLength - 8} bytes follow (truncated?).");
        }
        var json = new byte[headerLength];
        stream.ReadExactly(json);
        var dataStart = 8 + headerLength;
        return Parse(json, path, dataStart, fileLength - dataStart);
    }

    private static SafeTensorsHeader Parse(byte[] json, string path, long dataStart, long dataLength)
    {
        var where = $"the header (bytes 8 to {dataStart})";
        if (!Utf8.IsValid(json))
        {
            throw Invalid(path, $"{where} is not valid UTF-8.");
        }
        // The reference reader insists on '{' first (no leading whitespace or BOM); so do we, to accept the same files.
        if (json.Length == 0 || json[0] != (byte)'{')
        {
            throw Invalid(path, $"{where} does not start with '{{'.");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw Invalid(path, $"{where} is not valid JSON: {e.Message}");
        }
        using (document)
        {
            var tensors = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
            IReadOnlyDictionary<string, string>? metadata = null;
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (entry.Name == MetadataKey)
                {
                    metadata = metadata is null
                        ? ParseMetadata(entry.Value, path)
                        : throw Invalid(path, $"'{MetadataKey}' appears twice in the header.");
                }
                else if (!tensors.TryAdd(entry.Name, ParseTensor(entry.Name, entry.Value, path)))
                {
                    throw Invalid(path, $"tensor '{entry.Name}' appears twice in the header.");
                }
            }
            var keys = CheckLayout(tensors, path, dataStart, dataLength);
            return new SafeTensorsHeader(dataStart, keys, tensors, metadata ?? new Dictionary<string, string>());
        }
    }

    private static Dictionary<string, string> ParseMetadata(JsonElement value, string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (value.ValueKind == JsonValueKind.Null)
        {
            return result;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, $"'{MetadataKey}' must be an object of strings, not {value.ValueKind}.");
        }
        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw Invalid(path, $"'{MetadataKey}' entry '{entry.Name}' must be a string, not {entry.Value.ValueKind}.");
            }
            result[entry.Name] = entry.Value.GetString()!;
        }
        return result;
    }

    private static SafeTensorInfo ParseTensor(string name, JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, $"tensor '{name}' must be an object with dtype, shape and data_offsets, not {value.ValueKind}.");
        }
        string? dtypeName = null;
        long[]? shape = null;
        long[]? offsets = null;
        // Unknown fields are ignored, as the reference reader does.
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype":
                    dtypeName = field.Value.ValueKind == JsonValueKind.String
                        ? field.Value.GetString()
                        : throw Invalid(path, $"tensor '{name}': dtype must be a string, not {field.Value.ValueKind}.");
                    break;
                case "shape":
                    shape = ReadCounts(field.Value, name, "shape", path);
                    break;
                case "data_offsets":
                    offsets = ReadCounts(field.Value, name, "data_offsets", path);
                    if (offsets.Length != 2)
                    {
                        throw Invalid(path, $"tensor '{name}': data_offsets must be [begin, end], not {offsets.Length} numbers.");
                    }
                    break;
            }
        }
        if (dtypeName is null || shape is null || offsets is null)
        {
            var missing = dtypeName is null ? "dtype" : shape is null ? "shape" : "data_offsets";
            throw Invalid(path, $"tensor '{name}' has no {missing}.");
        }
        var dtype = SafeTensorsDType.Parse(dtypeName)
            ?? throw Invalid(path, $"tensor '{name}' has unsupported dtype '{dtypeName}' (supported: {SafeTensorsDType.SupportedNames}).");
        return new SafeTensorInfo(dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] ReadCounts(JsonElement value, string name, string field, string path)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(path, $"tensor '{name}': {field} must be an array of non-negative integers, not {value.ValueKind}.");
        }
        var result = new long[value.GetArrayLength()];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var n) || n < 0)
            {
                throw Invalid(path, $"tensor '{name}': {field} must be an array of non-negative integers, but holds {item.GetRawText()}.");
            }
            result[i++] = n;
        }
        return result;
    }

    /// <summary>Checks that the byte ranges tile the data section; returns the names in data order.</summary>
    private static string[] CheckLayout(Dictionary<string, SafeTensorInfo> tensors, string path, long dataStart, long dataLength)
    {
        // Sorting by (begin, end) puts empty tensors sharing an offset before the tensor that starts there.
        var ordered = tensors.OrderBy(t => t.Value.Begin).ThenBy(t => t.Value.End).ToArray();
        long next = 0;
        foreach (var (name, info) in ordered)
        {
            var range = $"data_offsets [{info.Begin}, {info.End}]";
            if (info.Begin != next)
            {
                throw Invalid(path, info.Begin < next
                    ? $"tensor '{name}' has {range}, overlapping the previous tensor, which ends at {next}."
                    : $"tensor '{name}' has {range}, leaving a gap after offset {next} where no tensor's data lies.");
            }
            if (info.End < info.Begin)
            {
                throw Invalid(path, $"tensor '{name}' has {range}, which end before they begin.");
            }
            if (info.End > dataLength)
            {
                throw Invalid(path, $"tensor '{name}' has {range}, past the end of the {dataLength}-byte data section " +
                    $"(file offset {dataStart + info.End} > file length {dataStart + dataLength}; truncated?).");
            }
            long bytes;
            try
            {
                bytes = checked(info.NumElements * SafeTensorsDType.SizeOf(info.DType));
            }
            catch (OverflowException)
            {
                throw Invalid(path, $"tensor '{name}' has shape [{string.Join(", ", info.Shape)}], whose byte size overflows.");
            }
            if (bytes != info.ByteLength)
            {
                throw Invalid(path, $"tensor '{name}' of shape [{string.Join(", ", info.Shape)}] and dtype {SafeTensorsDType.NameOf(info.DType)} " +
                    $"needs {bytes} bytes, but {range} span {info.ByteLength}.");
            }
            next = info.End;
        }
        if (next != dataLength)
        {
            throw Invalid(path, $"the file has {dataLength - next} bytes after the end of the last tensor's data " +
                $"(file offset {dataStart + next}); the tensors must cover the data section exactly.");
        }
        return Array.ConvertAll(ordered, t => t.Key);
    }

    /// <summary>
    /// Encodes a header as the reference writer does: compact JSON with <c>__metadata__</c> first and the tensors in
    /// the given order, padded with spaces to a multiple of 8 bytes so the data section starts aligned.
    /// </summary>
    internal static byte[] Encode(IEnumerable<(string Name, SafeTensorInfo Info)> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var json = new StringBuilder("{");
        if (metadata is not null)
        {
            AppendString(json, MetadataKey).Append(":{");
            var first = true;
            foreach (var key in metadata.Keys.Order(Utf8Order.Instance))
            {
                AppendString(json.Append(first ? "" : ","), key).Append(':');
                AppendString(json, metadata[key]);
                first = false;
            }
            json.Append('}');
        }
        foreach (var (name, info) in tensors)
        {
            AppendString(json.Append(json.Length > 1 ? "," : ""), name)
                .Append(":{\"dtype\":\"").Append(SafeTensorsDType.NameOf(info.DType))
                .Append("\",\"shape\":[").AppendJoin(',', info.Shape)
                .Append("],\"data_offsets\":[").Append(info.Begin).Append(',').Append(info.End).Append("]}");
        }
        json.Append('}');
        var text = StrictUtf8.GetBytes(json.ToString());
        var padded = new byte[(text.Length + 7) / 8 * 8];
        text.CopyTo(padded, 0);
        padded.AsSpan(text.Length).Fill((byte)' ');
        return padded;
    }

    // Throws on lone surrogates instead of silently writing U+FFFD into a name.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Appends a JSON string escaped as serde_json does (only quote, backslash and control characters), so headers match byte for byte.</summary>
    private static StringBuilder AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => json.Append("\\\""),
                '\\' => json.Append("\\\\"),
                '\b' => json.Append("\\b"),
                '\f' => json.Append("\\f"),
                '\n' => json.Append("\\n"),
                '\r' => json.Append("\\r"),
                '\t' => json.Append("\\t"),
                < ' ' => json.Append("\\u").Append(((int)c).ToString("x4")),
                _ => json.Append(c),
            };
        }
        return json.Append('"');
    }
}
