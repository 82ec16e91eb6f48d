namespace Vision.Serialization;

/// <summary>
/// A tensor of a <c>torch.save</c> checkpoint as its pickle describes it, before any data is read: a view
/// (<paramref name="StorageOffset"/>, <paramref name="Shape"/>, <paramref name="Stride"/>, in elements) of the storage
/// record <c>data/</c><paramref name="StorageKey"/>, which several tensors may share.
/// </summary>
/// <param name="StorageKey">The storage's record name under <c>data/</c> (e.g. "0").</param>
/// <param name="DType">The element type.</param>
/// <param name="StorageOffset">Index of the tensor's first element in the storage.</param>
/// <param name="Shape">The tensor's sizes.</param>
/// <param name="Stride">Elements to step in the storage per index of each dimension.</param>
public sealed record TorchTensorInfo(string StorageKey, ScalarType DType, long StorageOffset, IReadOnlyList<long> Shape, IReadOnlyList<long> Stride)
{
    /// <summary>The number of elements (the product of <see cref="Shape"/>).</summary>
    public long NumElements => Shape.Aggregate(1L, (a, b) => checked(a * b));

    /// <summary>Whether the elements lie densely in row-major order from the offset (strides of size-1 dimensions do not matter), as <c>Tensor.is_contiguous()</c>.</summary>
    public bool IsContiguous
    {
        get
        {
            long expected = 1;
            for (var d = Shape.Count - 1; d >= 0; d--)
            {
                if (Shape[d] != 1 && Stride[d] != expected)
                {
                    return false;
                }
                expected *= Shape[d];
            }
            return true;
        }
    }
}
