namespace Vision.Serialization;

/// <summary>
/// torch's legacy storage classes (<c>torch.FloatStorage</c>, ...), which <c>torch.save</c> still writes into each
/// storage's persistent id to record its element type, with their element types and sizes.
/// </summary>
internal static class TorchStorageTypes
{
    private static readonly (string Name, ScalarType Type, int Size)[] Table =
    [
        ("FloatStorage", ScalarType.Float32, 4),
        ("DoubleStorage", ScalarType.Float64, 8),
        ("HalfStorage", ScalarType.Float16, 2),
        ("BFloat16Storage", ScalarType.BFloat16, 2),
        ("ByteStorage", ScalarType.Byte, 1),
        ("CharStorage", ScalarType.Int8, 1),
        ("ShortStorage", ScalarType.Int16, 2),
        ("IntStorage", ScalarType.Int32, 4),
        ("LongStorage", ScalarType.Int64, 8),
        ("BoolStorage", ScalarType.Bool, 1),
    ];

    /// <summary>The element type of storage class <c>torch.</c><paramref name="name"/>, or null for any other name.</summary>
    internal static ScalarType? Parse(string name) => Table.Where(e => e.Name == name).Select(e => (ScalarType?)e.Type).FirstOrDefault();

    /// <summary>The storage class name (without <c>torch.</c>) for <paramref name="type"/>.</summary>
    /// <exception cref="ArgumentException">torch has no storage class for the type.</exception>
    internal static string NameOf(ScalarType type) =>
        Table.Where(e => e.Type == type).Select(e => e.Name).FirstOrDefault()
        ?? throw new ArgumentException($"{type} tensors cannot be written to a torch checkpoint (supported: {string.Join(", ", Table.Select(e => e.Type))}).");

    /// <summary>Bytes per element of <paramref name="type"/>.</summary>
    internal static int SizeOf(ScalarType type) => Table.First(e => e.Type == type).Size;
}
