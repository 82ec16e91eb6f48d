using System.Buffers.Binary;
using System.Text;

namespace Vision.Serialization;

/// <summary>
/// Writes the pickle (protocol 2) of a state dict the way <c>torch.save</c> does: a <c>collections.OrderedDict</c>
/// of tensors, each rebuilt by <c>torch._utils._rebuild_tensor_v2</c> from a storage persistent id
/// <c>('storage', torch.FloatStorage, key, 'cpu', numel)</c>, so both <c>torch.load</c> and
/// <c>torch.load(weights_only=True)</c> read it.
/// </summary>
internal sealed class TorchPickleWriter
{
    private readonly MemoryStream output = new();

    /// <summary>The pickle of an OrderedDict mapping each name to a dense tensor of the given type and shape on storage <c>i</c> (its position).</summary>
    internal static byte[] StateDict(IReadOnlyList<(string Name, ScalarType Type, long[] Shape)> tensors)
    {
        var w = new TorchPickleWriter();
        w.Op(0x80).Op(2);
        w.EmptyOrderedDict();
        w.Op('(');
        for (var i = 0; i < tensors.Count; i++)
        {
            var (name, type, shape) = tensors[i];
            w.Text(name);
            w.Global("torch._utils", "_rebuild_tensor_v2").Op('(');
            w.Op('(').Text("storage").Global("torch", TorchStorageTypes.NameOf(type)).Text(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Text("cpu")
                .Int(shape.Aggregate(1L, (a, b) => checked(a * b))).Op('t').Op('Q');
            w.Int(0).Tuple(shape).Tuple(RowMajorStrides(shape)).Op(0x89);
            w.EmptyOrderedDict();
            w.Op('t').Op('R');
        }
        w.Op('u').Op('.');
        return w.output.ToArray();
    }

    private static long[] RowMajorStrides(long[] shape)
    {
        var strides = new long[shape.Length];
        long step = 1;
        for (var d = shape.Length - 1; d >= 0; d--)
        {
            strides[d] = step;
            step *= shape[d];
        }
        return strides;
    }

    private TorchPickleWriter EmptyOrderedDict() => Global("collections", "OrderedDict").Op(')').Op('R');

    private TorchPickleWriter Op(char op) => Op((byte)op);

    private TorchPickleWriter Op(byte op)
    {
        output.WriteByte(op);
        return this;
    }

    private TorchPickleWriter Global(string module, string name)
    {
        Op('c');
        output.Write(Encoding.ASCII.GetBytes(module + "\n" + name + "\n"));
        return this;
    }

    private TorchPickleWriter Text(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        Op('X');
        output.Write(length);
        output.Write(bytes);
        return this;
    }

    private TorchPickleWriter Int(long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        if (value is >= int.MinValue and <= int.MaxValue)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes, (int)value);
            Op('J');
            output.Write(bytes[..4]);
        }
        else
        {
            // LONG1: a little-endian two's-complement integer of the given byte count.
            BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
            Op(0x8a).Op(8);
            output.Write(bytes);
        }
        return this;
    }

    private TorchPickleWriter Tuple(long[] values)
    {
        Op('(');
        foreach (var value in values)
        {
            Int(value);
        }
        return Op('t');
    }
}
