namespace Vision;

/// <summary>Memory layouts of dense tensors; the values are libtorch's c10::MemoryFormat codes.</summary>
public enum MemoryFormat
{
    /// <summary>Row-major (NCHW for images).</summary>
    Contiguous = 0,
    /// <summary>Keep the input's layout.</summary>
    Preserve = 1,
    /// <summary>NHWC layout for 4-d tensors, which oneDNN and cuDNN convolutions prefer.</summary>
    ChannelsLast = 2,
}
