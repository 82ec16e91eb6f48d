using System.Buffers.Binary;
using System.IO.Compression;

namespace Vision.Data.Datasets;

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST (optionally gzip-compressed): a big-endian magic number
/// whose third byte is the element type (0x08 = uint8) and fourth the number of dimensions, then one
/// big-endian int32 per dimension, then the row-major data.
/// </summary>
public static class IdxFile
{
    private const byte UnsignedByte = 0x08;

    /// <summary>Reads a uint8 IDX file (".gz" files are decompressed) into a CPU uint8 tensor of the stored shape.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a uint8 IDX file or is truncated; the message names the file.</exception>
    public static Tensor ReadBytes(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"IDX file not found: {path}", path);
        }
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        try
        {
            return Read(stream, path);
        }
        catch (InvalidDataException e) when (!e.Message.Contains(path, StringComparison.Ordinal))
        {
            // GZipStream reports corrupt data without the file name.
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private static Tensor Read(Stream stream, string path)
    {
        Span<byte> magic = stackalloc byte[4];
        ReadExactly(stream, magic, path, "the magic number");
        if (magic[0] != 0 || magic[1] != 0 || magic[2] != UnsignedByte || magic[3] is 0 or > 4)
        {
            throw new InvalidDataException(
                $"{path}: not a uint8 IDX file (magic bytes {Convert.ToHexString(magic)}; expected 000008 followed by a dimension count of 1-4).");
        }
        var shape = new long[magic[3]];
        Span<byte> dim = stackalloc byte[4];
        long count = 1;
        for (var i = 0; i < shape.Length; i++)
        {
            ReadExactly(stream, dim, path, $"dimension {i}");
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(dim);
            if (shape[i] < 0)
            {
                throw new InvalidDataException($"{path}: dimension {i} is negative ({shape[i]}).");
            }
            count *= shape[i];
        }
        if (count > Array.MaxLength)
        {
            throw new InvalidDataException($"{path}: {count} elements are more than one array can hold.");
        }
        var data = new byte[count];
        ReadExactly(stream, data, path, $"{count} data bytes (shape [{string.Join(", ", shape)}])");
        return torch.tensor<byte>(data, shape);
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string path, string what)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                throw new InvalidDataException($"{path}: file ends after {total} of the {buffer.Length} bytes of {what} (truncated?).");
            }
            total += n;
        }
    }
}
