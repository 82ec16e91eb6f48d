using System.Text;

namespace Vision.Tests.Reference;

/// <summary>Writes a tensor as a NumPy .npy file (format 1.0, little-endian, C order) for the Python reference.</summary>
public static class Npy
{
    public static void Write(string path, Tensor tensor)
    {
        var (descr, bytes) = tensor.dtype switch
        {
            ScalarType.Float32 => ("<f4", Bytes(tensor.data<float>())),
            ScalarType.Float64 => ("<f8", Bytes(tensor.data<double>())),
            ScalarType.Int64 => ("<i8", Bytes(tensor.data<long>())),
            ScalarType.Int32 => ("<i4", Bytes(tensor.data<int>())),
            ScalarType.Byte => ("|u1", tensor.data<byte>()),
            ScalarType.Bool => ("|b1", Bytes(tensor.data<bool>())),
            var t => throw new NotSupportedException($"Npy.Write: {t}"),
        };
        var shape = tensor.shape;
        var shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        var total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        using var file = File.Create(path);
        file.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        file.Write(BitConverter.GetBytes((ushort)header.Length));
        file.Write(Encoding.ASCII.GetBytes(header));
        file.Write(bytes);
    }

    private static byte[] Bytes<T>(T[] values) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
