using System.Buffers.Binary;

namespace Vision.Engine.Logging.TensorBoard;

/// <summary>
/// Writes TFRecord framing, the container of TensorBoard event files: per record a little-endian uint64 length, the
/// masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C of the data.
/// </summary>
internal sealed class TFRecordWriter : IDisposable
{
    private readonly Stream stream;

    /// <summary>Writes to <paramref name="stream"/>, which the writer then owns.</summary>
    public TFRecordWriter(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        this.stream = stream;
    }

    /// <summary>Appends one record.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Masked(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Masked(data));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
    }

    /// <summary>Pushes buffered records to the file, so TensorBoard sees them while training runs.</summary>
    public void Flush() => stream.Flush();

    /// <summary>Flushes and closes the stream.</summary>
    public void Dispose() => stream.Dispose();
}
