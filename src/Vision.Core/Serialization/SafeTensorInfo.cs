namespace Vision.Serialization;

/// <summary>
/// What a safetensors header says about one tensor: its element type, shape and where its bytes lie,
/// as offsets relative to the start of the data section (the header's <c>data_offsets</c>).
/// </summary>
/// <param name="DType">The element type.</param>
/// <param name="Shape">The size of each dimension (empty for a 0-d tensor).</param>
/// <param name="Begin">Offset of the first byte in the data section.</param>
/// <param name="End">Offset one past the last byte in the data section.</param>
public sealed record SafeTensorInfo(ScalarType DType, IReadOnlyList<long> Shape, long Begin, long End)
{
    /// <summary>Number of elements (the product of <see cref="Shape"/>; 1 for a 0-d tensor).</summary>
    /// <exception cref="OverflowException">The product does not fit in 64 bits (only possible for a corrupt header).</exception>
    public long NumElements
    {
        get
        {
            long n = 1;
            foreach (var d in Shape)
            {
                n = checked(n * d);
            }
            return n;
        }
    }

    /// <summary>Number of bytes of data.</summary>
    public long ByteLength => End - Begin;
}
