namespace Vision;

/// <summary>Element types of tensors; the values are libtorch's c10::ScalarType codes.</summary>
public enum ScalarType : sbyte
{
    /// <summary>8-bit unsigned integer (torch.uint8).</summary>
    Byte = 0,
    /// <summary>8-bit signed integer (torch.int8).</summary>
    Int8 = 1,
    /// <summary>16-bit signed integer (torch.int16).</summary>
    Int16 = 2,
    /// <summary>32-bit signed integer (torch.int32).</summary>
    Int32 = 3,
    /// <summary>64-bit signed integer (torch.int64), the type of indices and labels.</summary>
    Int64 = 4,
    /// <summary>IEEE half precision (torch.float16).</summary>
    Float16 = 5,
    /// <summary>IEEE single precision (torch.float32), the default floating type.</summary>
    Float32 = 6,
    /// <summary>IEEE double precision (torch.float64).</summary>
    Float64 = 7,
    /// <summary>Boolean (torch.bool).</summary>
    Bool = 11,
    /// <summary>Brain floating point (torch.bfloat16).</summary>
    BFloat16 = 15,
}
