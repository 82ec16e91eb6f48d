using static Vision.Native.NativeMethods;

namespace Vision;

public sealed unsafe partial class Tensor
{
    /// <summary>
    /// PyTorch indexing: <c>t[0]</c>, <c>t[1..3, TensorIndex.None]</c>, <c>t[TensorIndex.Ellipsis, 0]</c>,
    /// <c>t[mask]</c>, <c>t[indexTensor]</c>. Integers and slices give views; index tensors and masks give copies.
    /// Assigning writes into this tensor (broadcasting the value).
    /// </summary>
    public Tensor this[params TensorIndex[] indices]
    {
        get
        {
            var (view, advanced) = ApplyBasicIndexing(indices);
            if (advanced.Count == 0)
            {
                return view;
            }
            try
            {
                return IndexAdvanced(view, advanced);
            }
            finally
            {
                view.Dispose();
            }
        }
        set
        {
            var (view, advanced) = ApplyBasicIndexing(indices);
            try
            {
                if (advanced.Count == 0)
                {
                    view.copy_(value);
                    return;
                }
                var handles = AdvancedHandles(view, advanced);
                fixed (IntPtr* h = handles)
                {
                    Check(vt_index_put_(view.Handle, h, handles.Length, value.Handle, 0));
                }
                GC.KeepAlive(advanced);
                GC.KeepAlive(value);
            }
            finally
            {
                view.Dispose();
            }
        }
    }

    /// <summary>Writes <paramref name="value"/> at the indexed positions (t[indices] = value).</summary>
    public Tensor index_put_(double value, params TensorIndex[] indices)
    {
        using var v = torch.tensor(value, dtype, device);
        this[indices] = v;
        return this;
    }

    private static Tensor IndexAdvanced(Tensor view, List<(long Dim, Tensor Index)> advanced)
    {
        var handles = AdvancedHandles(view, advanced);
        fixed (IntPtr* h = handles)
        {
            Check(vt_index(view.Handle, h, handles.Length, out var r));
            GC.KeepAlive(advanced);
            return new Tensor(r);
        }
    }

    // The index list libtorch expects: one entry per dim up to the last indexed one, null for "keep whole".
    private static IntPtr[] AdvancedHandles(Tensor view, List<(long Dim, Tensor Index)> advanced)
    {
        var handles = new List<IntPtr>();
        long dim = 0;
        foreach (var (target, index) in advanced)
        {
            for (; dim < target; dim++)
            {
                handles.Add(IntPtr.Zero);
            }
            handles.Add(index.Handle);
            dim += index.dtype == ScalarType.Bool ? index.dim() : 1;
        }
        GC.KeepAlive(view);
        return [.. handles];
    }

    // Applies integers, slices, None and Ellipsis as views; returns the view and the index tensors with the
    // dims of that view they apply to.
    private (Tensor View, List<(long Dim, Tensor Index)> Advanced) ApplyBasicIndexing(TensorIndex[] indices)
    {
        long consumed = 0;
        var ellipses = 0;
        foreach (var index in indices)
        {
            switch (index.IndexKind)
            {
                case TensorIndex.Kind.Integer:
                case TensorIndex.Kind.Slice:
                    consumed++;
                    break;
                case TensorIndex.Kind.Tensor:
                    consumed += index.Tensor!.dtype == ScalarType.Bool ? index.Tensor.dim() : 1;
                    break;
                case TensorIndex.Kind.Ellipsis:
                    ellipses++;
                    break;
            }
        }
        var rank = dim();
        if (ellipses > 1)
        {
            throw new ArgumentException("An index can hold at most one Ellipsis.");
        }
        if (consumed > rank)
        {
            throw new IndexOutOfRangeException($"Too many indices for a tensor of dimension {rank} (got {consumed}).");
        }

        var current = alias();
        var advanced = new List<(long, Tensor)>();
        long d = 0;
        foreach (var index in indices)
        {
            Tensor? next = null;
            switch (index.IndexKind)
            {
                case TensorIndex.Kind.Integer:
                    next = current.select(d, index.Start);
                    break;
                case TensorIndex.Kind.Slice:
                    next = current.slice(d, index.Start, index.Stop ?? long.MaxValue, index.Step);
                    d++;
                    break;
                case TensorIndex.Kind.None:
                    next = current.unsqueeze(d);
                    d++;
                    break;
                case TensorIndex.Kind.Ellipsis:
                    d += rank - consumed;
                    break;
                case TensorIndex.Kind.Tensor:
                    advanced.Add((d, index.Tensor!));
                    d += index.Tensor!.dtype == ScalarType.Bool ? index.Tensor.dim() : 1;
                    break;
            }
            if (next is not null)
            {
                current.Dispose();
                current = next;
            }
        }
        return (current, advanced);
    }
}
