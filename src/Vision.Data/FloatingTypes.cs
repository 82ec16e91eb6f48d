namespace Vision.Data;

/// <summary>Which element types hold images after the to-float step (collate and batch augments accept these).</summary>
internal static class FloatingTypes
{
    public static bool Contains(ScalarType type) =>
        type is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64;
}
