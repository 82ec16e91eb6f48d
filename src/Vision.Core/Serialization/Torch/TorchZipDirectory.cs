using System.Buffers.Binary;
using System.Text;

namespace Vision.Serialization;

/// <summary>
/// The central directory of a <c>torch.save</c> zip archive, read straight from a memory-mapped file: each entry's
/// name and the byte range of its data. torch writes every record uncompressed ("stored"), which is what lets the
/// storages be copied from the mapping without a decompression buffer; compressed or encrypted entries are refused.
/// Every offset and size is checked against the file length, so a truncated or damaged archive is an error, never
/// a read outside the mapping.
/// </summary>
internal sealed unsafe class TorchZipDirectory
{
    private const uint EndOfDirectorySignature = 0x06054b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint Zip64EndSignature = 0x06064b50;
    private const uint CentralEntrySignature = 0x02014b50;
    private const uint LocalHeaderSignature = 0x04034b50;

    private readonly Dictionary<string, (long Start, long Length)> entries = new(StringComparer.Ordinal);
    private readonly string path;

    /// <summary>Parses the directory of the <paramref name="length"/>-byte archive mapped at <paramref name="file"/>.</summary>
    /// <exception cref="InvalidDataException">The archive is truncated, damaged or uses features torch never writes.</exception>
    internal TorchZipDirectory(byte* file, long length, string path)
    {
        this.path = path;
        var end = FindEndOfDirectory(file, length);
        long count = U16(file, end + 10);
        long directorySize = U32(file, end + 12);
        long directoryStart = U32(file, end + 16);
        if (count == 0xFFFF || directorySize == 0xFFFFFFFF || directoryStart == 0xFFFFFFFF)
        {
            (count, directorySize, directoryStart) = ReadZip64End(file, length, end);
        }
        if (directoryStart < 0 || directorySize < 0 || directoryStart + directorySize > end)
        {
            throw Invalid($"the central directory (offset {directoryStart}, {directorySize} bytes) lies outside the file (truncated?).");
        }
        var position = directoryStart;
        for (long i = 0; i < count; i++)
        {
            position = ReadEntry(file, length, position, directoryStart + directorySize);
        }
    }

    /// <summary>Entry names, as stored (e.g. <c>archive/data.pkl</c>).</summary>
    internal IEnumerable<string> Names => entries.Keys;

    /// <summary>The file offset and length of entry <paramref name="name"/>'s data, or null when there is no such entry.</summary>
    internal (long Start, long Length)? Find(string name) => entries.TryGetValue(name, out var range) ? range : null;

    private InvalidDataException Invalid(string detail) => TorchCheckpointFile.Invalid(path, detail);

    private long FindEndOfDirectory(byte* file, long length)
    {
        // The record is 22 bytes plus a comment of at most 65535 bytes, so it starts within the last 65557 bytes.
        for (var at = length - 22; at >= Math.Max(0, length - 22 - 0xFFFF); at--)
        {
            if (U32(file, at) == EndOfDirectorySignature)
            {
                return at;
            }
        }
        throw Invalid($"no zip end-of-directory record in its last {Math.Min(length, 22 + 0xFFFF)} bytes (truncated or not a zip archive).");
    }

    private (long Count, long Size, long Start) ReadZip64End(byte* file, long length, long end)
    {
        var locator = end - 20;
        if (locator < 0 || U32(file, locator) != Zip64LocatorSignature)
        {
            throw Invalid("the end-of-directory record needs zip64 values but the zip64 locator is missing.");
        }
        var record = (long)U64(file, locator + 8);
        if (record < 0 || record + 56 > locator || U32(file, record) != Zip64EndSignature)
        {
            throw Invalid($"the zip64 end-of-directory record at offset {record} is missing or damaged.");
        }
        return (Checked(U64(file, record + 32), "entry count"), Checked(U64(file, record + 40), "directory size"), Checked(U64(file, record + 48), "directory offset"));
    }

    private long ReadEntry(byte* file, long length, long at, long directoryEnd)
    {
        if (at + 46 > directoryEnd || U32(file, at) != CentralEntrySignature)
        {
            throw Invalid($"the central directory entry at offset {at} is damaged (truncated?).");
        }
        int flags = U16(file, at + 8), method = U16(file, at + 10);
        long compressed = U32(file, at + 20), size = U32(file, at + 24), local = U32(file, at + 42);
        int nameLength = U16(file, at + 28), extraLength = U16(file, at + 30), commentLength = U16(file, at + 32);
        var next = at + 46 + nameLength + extraLength + commentLength;
        if (next > directoryEnd)
        {
            throw Invalid($"the central directory entry at offset {at} runs past the directory (truncated?).");
        }
        var name = Encoding.UTF8.GetString(file + at + 46, nameLength);
        (size, compressed, local) = ApplyZip64Extra(file, at + 46 + nameLength, extraLength, size, compressed, local, name);
        if ((flags & 1) != 0 || method != 0)
        {
            throw Invalid($"entry '{name}' is {((flags & 1) != 0 ? "encrypted" : $"compressed (method {method})")}; torch.save stores records uncompressed (was the archive re-zipped?).");
        }
        if (compressed != size)
        {
            throw Invalid($"entry '{name}' is stored but its compressed size {compressed} differs from its size {size}.");
        }
        if (local < 0 || local + 30 > length || U32(file, local) != LocalHeaderSignature)
        {
            throw Invalid($"entry '{name}': the local header at offset {local} is missing (truncated?).");
        }
        var start = local + 30 + U16(file, local + 26) + U16(file, local + 28);
        if (size < 0 || start + size > length)
        {
            throw Invalid($"entry '{name}' declares {size} bytes at offset {start}, but the file is {length} bytes long (truncated?).");
        }
        if (!entries.TryAdd(name, (start, size)))
        {
            throw Invalid($"entry '{name}' appears twice.");
        }
        return next;
    }

    // Zip64 moves sizes and offsets that do not fit 32 bits into an extra field, in a fixed order, only those saturated.
    private (long Size, long Compressed, long Local) ApplyZip64Extra(byte* file, long at, int length, long size, long compressed, long local, string name)
    {
        var end = at + length;
        while (at + 4 <= end)
        {
            int id = U16(file, at), fieldLength = U16(file, at + 2);
            var value = at + 4;
            if (value + fieldLength > end)
            {
                throw Invalid($"entry '{name}' has a damaged extra field.");
            }
            if (id == 1)
            {
                long Next(long current)
                {
                    if (current != 0xFFFFFFFF)
                    {
                        return current;
                    }
                    if (value + 8 > at + 4 + fieldLength)
                    {
                        throw Invalid($"entry '{name}' has a short zip64 extra field.");
                    }
                    var v = Checked(U64(file, value), $"entry '{name}' zip64 value");
                    value += 8;
                    return v;
                }
                size = Next(size);
                compressed = Next(compressed);
                local = Next(local);
            }
            at += 4 + fieldLength;
        }
        return (size, compressed, local);
    }

    private long Checked(ulong value, string what) =>
        value <= long.MaxValue ? (long)value : throw Invalid($"the {what} {value} is out of range.");

    private static ushort U16(byte* file, long at) => BinaryPrimitives.ReadUInt16LittleEndian(new ReadOnlySpan<byte>(file + at, 2));

    private static uint U32(byte* file, long at) => BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(file + at, 4));

    private static ulong U64(byte* file, long at) => BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(file + at, 8));
}
