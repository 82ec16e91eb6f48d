namespace Vision.Serialization;

/// <summary>The safetensors dtype names Vision reads and writes, with their sizes and the reference writer's order.</summary>
internal static class SafeTensorsDType
{
    // Rank follows the declaration order of the reference implementation's Dtype enum ("increasing alignment"),
    // which its writer sorts by (descending) to lay out the data section; matching it keeps files byte-identical.
    private static readonly (ScalarType Type, string Name, int Size, int Rank)[] Table =
    [
        (ScalarType.Bool, "BOOL", 1, 0),
        (ScalarType.Byte, "U8", 1, 1),
        (ScalarType.Int8, "I8", 1, 2),
        (ScalarType.Int16, "I16", 2, 3),
        (ScalarType.Float16, "F16", 2, 4),
        (ScalarType.BFloat16, "BF16", 2, 5),
        (ScalarType.Int32, "I32", 4, 6),
        (ScalarType.Float32, "F32", 4, 7),
        (ScalarType.Float64, "F64", 8, 8),
        (ScalarType.Int64, "I64", 8, 9),
    ];

    /// <summary>The supported names, for error messages.</summary>
    internal static string SupportedNames => string.Join(", ", Table.Select(e => e.Name));

    /// <summary>The element type of a header dtype name, or null if Vision cannot hold it.</summary>
    internal static ScalarType? Parse(string name)
    {
        foreach (var e in Table)
        {
            if (e.Name == name)
            {
                return e.Type;
            }
        }
        return null;
    }

    /// <summary>The header name of an element type; throws for types the format cannot store.</summary>
    internal static string NameOf(ScalarType type) => Find(type).Name;

    /// <summary>Bytes per element.</summary>
    internal static int SizeOf(ScalarType type) => Find(type).Size;

    /// <summary>Position in the reference writer's dtype order (larger is written first).</summary>
    internal static int RankOf(ScalarType type) => Find(type).Rank;

    /// <summary>Whether the format can store <paramref name="type"/>.</summary>
    internal static bool IsSupported(ScalarType type) => Table.Any(e => e.Type == type);

    private static (ScalarType Type, string Name, int Size, int Rank) Find(ScalarType type)
    {
        foreach (var e in Table)
        {
            if (e.Type == type)
            {
                return e;
            }
        }
        throw new NotSupportedException($"safetensors cannot store {type} tensors (supported: {SupportedNames}).");
    }
}
