using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Vision.Serialization;

/// <summary>
/// A pickle reader for the opcodes <c>torch.save</c> emits (protocol 2, and the protocol 3–5 framing and memo forms),
/// with the safety rule of <c>torch.load(weights_only=True)</c>: a global is accepted only if it is on a fixed list of
/// tensor-rebuilding functions, storage classes, dtypes and <c>collections.OrderedDict</c>; any other global is refused
/// by name the moment it is read. Nothing is ever looked up or executed: each allowed global is interpreted here.
/// The result is plain .NET values: <see cref="OrderedDictionary{TKey, TValue}"/> for dicts, <see cref="List{T}"/> for
/// lists, <c>object?[]</c> for tuples, string, long, <see cref="BigInteger"/>, double, bool, byte[], null, and
/// <see cref="TorchTensorInfo"/> for tensors. The reader only moves forward, so no input can make it loop.
/// </summary>
internal sealed unsafe class TorchUnpickler
{
    private const string RebuildTensor = "torch._utils._rebuild_tensor_v2";

    // The globals torch's weights-only unpickler allows that matter for weights, and what each rebuilds.
    private static readonly HashSet<string> AllowedCallables =
    [
        "collections.OrderedDict", RebuildTensor, "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
        "torch.Size", "torch.device", "_codecs.encode",
    ];

    private static readonly HashSet<string> DTypeNames =
    [
        "float32", "float", "float64", "double", "float16", "half", "bfloat16", "int8", "uint8", "int16", "short",
        "int32", "int", "int64", "long", "bool",
    ];

    private readonly byte* data;
    private readonly long length;
    private readonly string path;
    private readonly Func<string, long?> storageLength;
    private readonly List<object?> stack = [];
    private readonly List<int> marks = [];
    private readonly Dictionary<long, object?> memo = [];
    private long position;

    private TorchUnpickler(byte* data, long length, string path, Func<string, long?> storageLength)
    {
        this.data = data;
        this.length = length;
        this.path = path;
        this.storageLength = storageLength;
    }

    /// <summary>A whitelisted global, kept as its name until a REDUCE or persistent id gives it meaning.</summary>
    private sealed record Global(string Module, string Name)
    {
        public string FullName => Module + "." + Name;
    }

    /// <summary>A storage named by a persistent id: record <c>data/Key</c> holding <c>Count</c> elements of <c>Type</c>.</summary>
    private sealed record StorageRef(string Key, ScalarType Type, long Count);

    /// <summary>Reads the pickle of <paramref name="length"/> bytes at <paramref name="data"/>.</summary>
    /// <param name="data">The pickle bytes (<c>data.pkl</c>).</param>
    /// <param name="length">Their count.</param>
    /// <param name="path">The checkpoint, for messages.</param>
    /// <param name="storageLength">The byte length of storage record <c>data/KEY</c>, or null when the archive lacks it.</param>
    /// <exception cref="InvalidDataException">The pickle is malformed, refers to a forbidden global, or its tensors do not fit their storages.</exception>
    internal static object? Load(byte* data, long length, string path, Func<string, long?> storageLength) =>
        new TorchUnpickler(data, length, path, storageLength).Run();

    private InvalidDataException Invalid(string detail) => TorchCheckpointFile.Invalid(path, $"data.pkl at byte {position}: {detail}");

    private object? Run()
    {
        while (true)
        {
            var op = Byte();
            switch (op)
            {
                case 0x80: Byte(); break; // PROTO
                case 0x95: Bytes(8); break; // FRAME: a length hint only
                case (byte)'.': return stack.Count == 1 ? stack[0] : throw Invalid($"STOP with {stack.Count} values on the stack.");
                case (byte)'(': marks.Add(stack.Count); break;
                case (byte)'}': stack.Add(new OrderedDictionary<object, object?>()); break;
                case (byte)']': stack.Add(new List<object?>()); break;
                case (byte)')': stack.Add(Array.Empty<object?>()); break;
                case (byte)'N': stack.Add(null); break;
                case 0x88: stack.Add(true); break;
                case 0x89: stack.Add(false); break;
                case (byte)'J': stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(Bytes(4))); break;
                case (byte)'K': stack.Add((long)Byte()); break;
                case (byte)'M': stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2))); break;
                case 0x8a: stack.Add(Long(Byte())); break;
                case 0x8b: stack.Add(Long(Length(4))); break;
                case (byte)'G': stack.Add(BinaryPrimitives.ReadDoubleBigEndian(Bytes(8))); break;
                case (byte)'X': stack.Add(Text(Length(4))); break;
                case 0x8c: stack.Add(Text(Byte())); break;
                case 0x8d: stack.Add(Text(Length(8))); break;
                case (byte)'T': stack.Add(Encoding.Latin1.GetString(Bytes(Length(4)))); break;
                case (byte)'U': stack.Add(Encoding.Latin1.GetString(Bytes(Byte()))); break;
                case (byte)'B': stack.Add(Bytes(Length(4)).ToArray()); break;
                case (byte)'C': stack.Add(Bytes(Byte()).ToArray()); break;
                case 0x8e: stack.Add(Bytes(Length(8)).ToArray()); break;
                case (byte)'c': stack.Add(Resolve(Line(), Line())); break;
                case 0x93:
                {
                    var name = Pop() as string;
                    var module = Pop() as string;
                    stack.Add(Resolve(module ?? throw Invalid("STACK_GLOBAL without a module name."), name ?? throw Invalid("STACK_GLOBAL without a name.")));
                    break;
                }
                case (byte)'q': memo[Byte()] = Top(); break;
                case (byte)'r': memo[Length(4)] = Top(); break;
                case 0x94: memo[memo.Count] = Top(); break;
                case (byte)'h': stack.Add(Recall(Byte())); break;
                case (byte)'j': stack.Add(Recall(Length(4))); break;
                case (byte)'t': stack.Add(PopMark().ToArray()); break;
                case 0x85: stack.Add(new[] { Pop() }); break;
                case 0x86: { var b = Pop(); var a = Pop(); stack.Add(new[] { a, b }); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); stack.Add(new[] { a, b, c }); break; }
                case (byte)'0': Pop(); break;
                case (byte)'1': PopMark(); break;
                case (byte)'2': stack.Add(Top()); break;
                case (byte)'Q': stack.Add(PersistentLoad(Pop())); break;
                case (byte)'R': { var args = Pop(); stack.Add(Reduce(Pop(), args)); break; }
                case (byte)'b': Build(); break;
                case (byte)'s': { var value = Pop(); var key = Pop(); SetItem(Top(), key, value); break; }
                case (byte)'u':
                {
                    var items = PopMark();
                    if (items.Count % 2 != 0)
                    {
                        throw Invalid("SETITEMS with an odd number of values.");
                    }
                    var target = Top();
                    for (var i = 0; i < items.Count; i += 2)
                    {
                        SetItem(target, items[i], items[i + 1]);
                    }
                    break;
                }
                case (byte)'a': { var value = Pop(); AsList(Top()).Add(value); break; }
                case (byte)'e': { var items = PopMark(); AsList(Top()).AddRange(items); break; }
                default:
                    position--;
                    throw Invalid($"opcode 0x{op:x2} is not one torch.save writes (the file is damaged or not a weights checkpoint).");
            }
        }
    }

    private object Resolve(string module, string name)
    {
        var full = module + "." + name;
        var allowed = AllowedCallables.Contains(full)
            || (module == "torch" && (TorchStorageTypes.Parse(name) is not null || DTypeNames.Contains(name)));
        return allowed
            ? new Global(module, name)
            : throw TorchCheckpointFile.Invalid(path,
                $"data.pkl refers to the global '{full}', which is not a tensor, storage, dtype or plain container. Vision loads weights only " +
                "(like torch.load(weights_only=True)) and never runs code from a checkpoint; re-save just the weights: torch.save(model.state_dict(), path), " +
                "or for a training checkpoint (e.g. MMEngine's epoch_N.pth with message_hub): torch.save(torch.load(path)['state_dict'], new_path).");
    }

    private StorageRef PersistentLoad(object? id)
    {
        if (id is not object?[] { Length: 5 } t || t[0] is not "storage" || t[1] is not Global { Module: "torch" } type
            || TorchStorageTypes.Parse(type.Name) is not { } dtype || t[2] is not string key || t[4] is not long count)
        {
            throw Invalid("a persistent id is not ('storage', torch.<Type>Storage, key, location, size).");
        }
        var available = storageLength(key) ?? throw Invalid($"storage '{key}' has no record data/{key} in the archive.");
        var size = TorchStorageTypes.SizeOf(dtype);
        if (count < 0 || count > available / size)
        {
            throw Invalid($"storage '{key}' declares {count} {dtype} elements ({(BigInteger)count * size} bytes), but data/{key} holds {available} bytes.");
        }
        return new StorageRef(key, dtype, count);
    }

    private object? Reduce(object? callable, object? args)
    {
        if (callable is not Global global || args is not object?[] a)
        {
            throw Invalid($"REDUCE of {Describe(callable)} with {Describe(args)}: only allowed globals with a tuple of arguments can be called.");
        }
        switch (global.FullName)
        {
            case "collections.OrderedDict":
                var dict = new OrderedDictionary<object, object?>();
                if (a.Length == 1 && a[0] is List<object?> pairs)
                {
                    foreach (var pair in pairs)
                    {
                        var p = pair as object?[] ?? throw Invalid("OrderedDict built from something other than pairs.");
                        SetItem(dict, p[0], p.Length == 2 ? p[1] : throw Invalid("OrderedDict built from something other than pairs."));
                    }
                }
                return dict;
            case RebuildTensor:
                return RebuildTensorFrom(a);
            case "torch._utils._rebuild_parameter" or "torch._utils._rebuild_parameter_with_state":
                return a.Length >= 3 && a[0] is TorchTensorInfo data ? data : throw Invalid($"{global.FullName} without a tensor.");
            case "torch.Size":
                return a.Length == 1 && a[0] is object?[] sizes ? sizes : throw Invalid("torch.Size without a tuple.");
            case "torch.device":
                return string.Join(":", a);
            case "_codecs.encode":
                return a is [string text, "latin1" or "latin-1"] ? Encoding.Latin1.GetBytes(text) : throw Invalid("_codecs.encode with arguments other than (str, 'latin1').");
            default:
                throw Invalid($"'{global.FullName}' cannot be called.");
        }
    }

    private TorchTensorInfo RebuildTensorFrom(object?[] a)
    {
        if (a.Length < 6 || a[0] is not StorageRef storage || a[1] is not long offset || a[2] is not object?[] sizeTuple || a[3] is not object?[] strideTuple)
        {
            throw Invalid($"{RebuildTensor} arguments are not (storage, offset, size, stride, requires_grad, hooks).");
        }
        var shape = Longs(sizeTuple, "size");
        var stride = Longs(strideTuple, "stride");
        if (shape.Length != stride.Length || shape.Any(s => s < 0) || stride.Any(s => s < 0) || offset < 0)
        {
            throw Invalid($"tensor on storage '{storage.Key}' has size [{string.Join(", ", shape)}], stride [{string.Join(", ", stride)}] and offset {offset}, which do not describe a tensor.");
        }
        // The last element a view touches must lie in its storage; sizes are checked in BigInteger so no product overflows.
        BigInteger last = offset;
        for (var i = 0; i < shape.Length; i++)
        {
            last += shape[i] == 0 ? BigInteger.Zero : (BigInteger)(shape[i] - 1) * stride[i];
        }
        var empty = shape.Any(s => s == 0);
        if (!empty && last >= storage.Count)
        {
            throw Invalid($"tensor of size [{string.Join(", ", shape)}] at offset {offset} reaches element {last} of storage '{storage.Key}', which has {storage.Count}.");
        }
        return new TorchTensorInfo(storage.Key, storage.Type, offset, shape, stride);
    }

    private long[] Longs(object?[] values, string what) =>
        values.Select(v => v as long? ?? throw Invalid($"a tensor's {what} holds {Describe(v)}, not an integer.")).ToArray();

    private void Build()
    {
        var state = Pop();
        // An OrderedDict state dict carries torch's "_metadata" attribute (module versions); weights do not need it.
        if (Top() is not OrderedDictionary<object, object?>)
        {
            throw Invalid($"BUILD on {Describe(Top())} with {Describe(state)}: only dicts may carry attributes.");
        }
    }

    private void SetItem(object? target, object? key, object? value)
    {
        if (target is not OrderedDictionary<object, object?> dict)
        {
            throw Invalid($"setting an item of {Describe(target)}, which is not a dict.");
        }
        dict[key ?? throw Invalid("a dict key is None.")] = value;
    }

    private List<object?> AsList(object? target) => target as List<object?> ?? throw Invalid($"appending to {Describe(target)}, which is not a list.");

    private static string Describe(object? value) => value switch
    {
        null => "None",
        Global g => g.FullName,
        _ => value.GetType().Name,
    };

    private object? Recall(long index) => memo.TryGetValue(index, out var value) ? value : throw Invalid($"memo entry {index} is read before it is written.");

    private object? Top() => stack.Count > 0 ? stack[^1] : throw Invalid("the stack is empty.");

    private object? Pop()
    {
        var value = Top();
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    private List<object?> PopMark()
    {
        if (marks.Count == 0)
        {
            throw Invalid("no MARK to pop to.");
        }
        var at = marks[^1];
        marks.RemoveAt(marks.Count - 1);
        var items = stack.GetRange(at, stack.Count - at);
        stack.RemoveRange(at, stack.Count - at);
        return items;
    }

    private byte Byte() => Bytes(1)[0];

    private ReadOnlySpan<byte> Bytes(long count)
    {
        if (count < 0 || count > length - position)
        {
            throw Invalid($"{count} bytes are needed but {length - position} remain (truncated?).");
        }
        var span = new ReadOnlySpan<byte>(data + position, checked((int)count));
        position += count;
        return span;
    }

    private long Length(int bytes)
    {
        var value = bytes == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4)) : BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8));
        return value <= int.MaxValue ? (long)value : throw Invalid($"a length of {value} bytes is larger than any record.");
    }

    private string Text(long count) => Encoding.UTF8.GetString(Bytes(count));

    private object Long(long count)
    {
        var value = new BigInteger(Bytes(count), isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;
    }

    private string Line()
    {
        var start = position;
        while (position < length && data[position] != (byte)'\n')
        {
            position++;
        }
        if (position >= length)
        {
            throw Invalid("GLOBAL name without an end of line (truncated?).");
        }
        var text = Encoding.UTF8.GetString(data + start, checked((int)(position - start)));
        position++;
        return text;
    }
}
