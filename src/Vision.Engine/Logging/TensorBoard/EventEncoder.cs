using System.Buffers.Binary;
using System.Text;

namespace Vision.Engine.Logging.TensorBoard;

/// <summary>
/// Encodes the two TensorBoard protobuf messages an event file of scalars needs, by hand (no protobuf dependency):
/// <c>Event { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3; Summary summary = 5; } }</c>
/// and <c>Summary { repeated Value value = 1; }</c> with <c>Value { string tag = 1; float simple_value = 2; }</c>.
/// </summary>
internal static class EventEncoder
{
    /// <summary>The file_version event TensorBoard expects first in every event file ("brain.Event:2").</summary>
    public static byte[] FileVersion(double wallTime)
    {
        var body = new MemoryStream();
        WriteDouble(body, 1, wallTime);
        WriteBytes(body, 3, Encoding.UTF8.GetBytes("brain.Event:2"));
        return body.ToArray();
    }

    /// <summary>An event holding one scalar summary value per entry of <paramref name="scalars"/> (simple_value is a float).</summary>
    public static byte[] Scalars(double wallTime, long step, IEnumerable<KeyValuePair<string, double>> scalars)
    {
        ArgumentNullException.ThrowIfNull(scalars);
        var summary = new MemoryStream();
        foreach (var (tag, value) in scalars)
        {
            var entry = new MemoryStream();
            WriteBytes(entry, 1, Encoding.UTF8.GetBytes(tag));
            WriteFloat(entry, 2, (float)value);
            WriteBytes(summary, 1, entry.ToArray());
        }
        var body = new MemoryStream();
        WriteDouble(body, 1, wallTime);
        WriteVarintField(body, 2, unchecked((ulong)step));
        WriteBytes(body, 5, summary.ToArray());
        return body.ToArray();
    }

    // Wire types: 0 varint, 1 fixed 64-bit, 2 length-delimited, 5 fixed 32-bit; a key is (field << 3) | wire type.
    private static void WriteKey(Stream s, int field, int wireType) => WriteVarint(s, (ulong)((field << 3) | wireType));

    private static void WriteVarintField(Stream s, int field, ulong value)
    {
        WriteKey(s, field, 0);
        WriteVarint(s, value);
    }

    private static void WriteDouble(Stream s, int field, double value)
    {
        WriteKey(s, field, 1);
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
        s.Write(bytes);
    }

    private static void WriteFloat(Stream s, int field, float value)
    {
        WriteKey(s, field, 5);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        s.Write(bytes);
    }

    private static void WriteBytes(Stream s, int field, byte[] value)
    {
        WriteKey(s, field, 2);
        WriteVarint(s, (ulong)value.Length);
        s.Write(value);
    }

    private static void WriteVarint(Stream s, ulong value)
    {
        while (value >= 0x80)
        {
            s.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        s.WriteByte((byte)value);
    }
}
