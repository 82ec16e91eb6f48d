namespace Vision;

/// <summary>
/// An error reported by libtorch (or the Vision shim). The message is libtorch's own, so it names the
/// shapes, dtypes and devices involved, e.g. "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)".
/// </summary>
public sealed class TorchException : Exception
{
    /// <summary>Creates the exception with libtorch's message.</summary>
    public TorchException(string message) : base(message)
    {
    }
}
