using static Vision.Native.NativeMethods;

namespace Vision;

public sealed unsafe partial class Tensor
{
    /// <summary>A view with another shape (one size may be -1); the data must be compatible with the strides.</summary>
    public Tensor view(params long[] shape)
    {
        fixed (long* p = shape)
        {
            return R(vt_view(Handle, p, shape.Length, out var r), r);
        }
    }

    /// <summary>
    /// A view of the same bytes as another element type, as <c>Tensor.view(dtype)</c> does (e.g. bfloat16 bits as
    /// int16). With a different element size the last dimension is rescaled and must have stride 1.
    /// </summary>
    public Tensor view(ScalarType dtype) => R(vt_view_dtype(Handle, (int)dtype, out var r), r);

    /// <summary>A tensor with another shape (one size may be -1): a view when possible, otherwise a copy.</summary>
    public Tensor reshape(params long[] shape)
    {
        fixed (long* p = shape)
        {
            return R(vt_reshape(Handle, p, shape.Length, out var r), r);
        }
    }

    /// <summary>A view with the dimensions reordered.</summary>
    public Tensor permute(params long[] dims)
    {
        fixed (long* p = dims)
        {
            return R(vt_permute(Handle, p, dims.Length, out var r), r);
        }
    }

    /// <summary>A view with two dimensions swapped.</summary>
    public Tensor transpose(long dim0, long dim1) => R(vt_transpose(Handle, dim0, dim1, out var r), r);

    /// <summary>The transpose of a matrix (dims 0 and 1 swapped); vectors and scalars are returned as they are.</summary>
    public Tensor t() => R(vt_t(Handle, out var r), r);

    /// <summary>Transpose of the last two dims (the mT property).</summary>
    public Tensor mT => transpose(-2, -1);

    /// <summary>Flattens dimensions start_dim..end_dim into one.</summary>
    public Tensor flatten(long start_dim = 0, long end_dim = -1) => R(vt_flatten(Handle, start_dim, end_dim, out var r), r);

    /// <summary>Splits dimension <paramref name="dim"/> into the given sizes.</summary>
    public Tensor unflatten(long dim, params long[] sizes)
    {
        fixed (long* p = sizes)
        {
            return R(vt_unflatten(Handle, dim, p, sizes.Length, out var r), r);
        }
    }

    /// <summary>A view with a size-1 dimension inserted at <paramref name="dim"/>.</summary>
    public Tensor unsqueeze(long dim) => R(vt_unsqueeze(Handle, dim, out var r), r);

    /// <summary>A view without size-1 dimensions.</summary>
    public Tensor squeeze() => R(vt_squeeze(Handle, out var r), r);

    /// <summary>A view without dimension <paramref name="dim"/> if its size is 1.</summary>
    public Tensor squeeze(long dim) => R(vt_squeeze_dim(Handle, dim, out var r), r);

    /// <summary>A broadcast view with the given shape (-1 keeps a size).</summary>
    public Tensor expand(params long[] shape)
    {
        fixed (long* p = shape)
        {
            return R(vt_expand(Handle, p, shape.Length, out var r), r);
        }
    }

    /// <summary>A broadcast view with <paramref name="other"/>'s shape.</summary>
    public Tensor expand_as(Tensor other) => expand(other.shape);

    /// <summary>A view of elements start..end (exclusive) with a step along <paramref name="dim"/>.</summary>
    public Tensor slice(long dim, long start, long end, long step = 1) => R(vt_slice(Handle, dim, start, end, step, out var r), r);

    /// <summary>A view of <paramref name="length"/> elements from <paramref name="start"/> along <paramref name="dim"/>.</summary>
    public Tensor narrow(long dim, long start, long length) => R(vt_narrow(Handle, dim, start, length, out var r), r);

    /// <summary>A view of index <paramref name="index"/> along <paramref name="dim"/>, with that dimension removed.</summary>
    public Tensor select(long dim, long index) => R(vt_select(Handle, dim, index, out var r), r);

    /// <summary>The entries at positions <paramref name="index"/> (int64) along <paramref name="dim"/>.</summary>
    public Tensor index_select(long dim, Tensor index) => R(vt_index_select(Handle, dim, index.Handle, out var r), r, index);

    /// <summary>out[i][j] = self[index[i][j]][j] for dim 0 (and likewise for other dims).</summary>
    public Tensor gather(long dim, Tensor index) => R(vt_gather(Handle, dim, index.Handle, out var r), r, index);

    /// <summary>A copy with <paramref name="src"/> written at <paramref name="index"/> along <paramref name="dim"/>.</summary>
    public Tensor scatter(long dim, Tensor index, Tensor src) => R(vt_scatter(Handle, dim, index.Handle, src.Handle, out var r), r, index, src);

    /// <summary>A copy with <paramref name="value"/> written at <paramref name="index"/> along <paramref name="dim"/>.</summary>
    public Tensor scatter(long dim, Tensor index, double value) => R(vt_scatter_value(Handle, dim, index.Handle, value, out var r), r, index);

    /// <summary>In-place <see cref="scatter(long, Tensor, Tensor)"/>.</summary>
    public Tensor scatter_(long dim, Tensor index, Tensor src) => Self(vt_scatter_(Handle, dim, index.Handle, src.Handle), index, src);

    /// <summary>A copy with <paramref name="src"/> added at <paramref name="index"/> along <paramref name="dim"/>.</summary>
    public Tensor scatter_add(long dim, Tensor index, Tensor src) => R(vt_scatter_add(Handle, dim, index.Handle, src.Handle, out var r), r, index, src);

    /// <summary>In-place <see cref="scatter_add"/>.</summary>
    public Tensor scatter_add_(long dim, Tensor index, Tensor src) => Self(vt_scatter_add_(Handle, dim, index.Handle, src.Handle), index, src);

    /// <summary>A copy with <paramref name="value"/> where <paramref name="mask"/> is true.</summary>
    public Tensor masked_fill(Tensor mask, double value) => R(vt_masked_fill(Handle, mask.Handle, value, out var r), r, mask);

    /// <summary>A copy with the one-element <paramref name="value"/> where <paramref name="mask"/> is true.</summary>
    public Tensor masked_fill(Tensor mask, Tensor value) => R(vt_masked_fill_tensor(Handle, mask.Handle, value.Handle, out var r), r, mask, value);

    /// <summary>In-place <see cref="masked_fill(Tensor, double)"/>.</summary>
    public Tensor masked_fill_(Tensor mask, double value) => Self(vt_masked_fill_(Handle, mask.Handle, value), mask);

    /// <summary>Rolls elements along the given dims (elements shifted past the end come back at the start).</summary>
    public Tensor roll(long[] shifts, long[] dims)
    {
        if (shifts.Length != dims.Length)
        {
            throw new ArgumentException($"roll: {shifts.Length} shifts given for {dims.Length} dims.");
        }
        fixed (long* s = shifts)
        fixed (long* d = dims)
        {
            return R(vt_roll(Handle, s, d, dims.Length, out var r), r);
        }
    }

    /// <summary>Rolls elements along one dim.</summary>
    public Tensor roll(long shift, long dim) => roll([shift], [dim]);

    /// <summary>Reverses the order of elements along the given dims.</summary>
    public Tensor flip(params long[] dims)
    {
        fixed (long* p = dims)
        {
            return R(vt_flip(Handle, p, dims.Length, out var r), r);
        }
    }

    /// <summary>The lower triangle (elements above the given diagonal zeroed).</summary>
    public Tensor tril(long diagonal = 0) => R(vt_tril(Handle, diagonal, out var r), r);

    /// <summary>The upper triangle (elements below the given diagonal zeroed).</summary>
    public Tensor triu(long diagonal = 0) => R(vt_triu(Handle, diagonal, out var r), r);

    /// <summary>Splits into views of the given sizes along <paramref name="dim"/>.</summary>
    public Tensor[] split(long[] sizes, long dim = 0)
    {
        var handles = new IntPtr[sizes.Length];
        fixed (long* s = sizes)
        fixed (IntPtr* h = handles)
        {
            Check(vt_split_with_sizes(Handle, s, sizes.Length, dim, h));
        }
        return Array.ConvertAll(handles, h => new Tensor(h));
    }

    /// <summary>Splits into views of <paramref name="size"/> elements along <paramref name="dim"/> (the last may be smaller).</summary>
    public Tensor[] split(long size, long dim = 0)
    {
        if (size <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "split size must be positive.");
        }
        var total = this.size(dim);
        // As torch.split, an empty dimension still gives one (empty) piece.
        var sizes = new List<long> { Math.Min(size, total) };
        for (var start = size; start < total; start += size)
        {
            sizes.Add(Math.Min(size, total - start));
        }
        return split([.. sizes], dim);
    }

    /// <summary>Splits into <paramref name="chunks"/> views along <paramref name="dim"/>, as torch.chunk does (each of ceil(n/chunks) elements; possibly fewer chunks).</summary>
    public Tensor[] chunk(long chunks, long dim = 0)
    {
        if (chunks <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(chunks), chunks, "chunk count must be positive.");
        }
        var total = size(dim);
        // torch.chunk keeps the requested count for an empty dimension (all pieces empty).
        return total == 0 ? split(new long[chunks], dim) : split((total + chunks - 1) / chunks, dim);
    }
}
