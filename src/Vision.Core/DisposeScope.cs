namespace Vision;

/// <summary>
/// Frees native tensors deterministically, as TorchSharp's DisposeScope does: every tensor created on this
/// thread while the scope is the innermost one is registered with it, and disposing the scope disposes every
/// registered tensor that was not moved out. Open one per training step so its temporaries never wait for the GC:
/// <code>
/// using (torch.NewDisposeScope())
/// {
///     var loss = model.forward(x).sum();
///     loss.backward();
/// } // every temporary of the step is freed here
/// </code>
/// Parameters, buffers and optimizer state are detached from scopes by their owners.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic]
    private static DisposeScope? current;

    private readonly List<Tensor> tensors = [];
    private bool disposed;

    internal DisposeScope()
    {
        Outer = current;
        current = this;
    }

    /// <summary>The innermost open scope of the calling thread, or null.</summary>
    public static DisposeScope? Current => current;

    /// <summary>The scope that was innermost when this one was opened.</summary>
    public DisposeScope? Outer { get; }

    /// <summary>How many tensors this scope still owns.</summary>
    public int Count => tensors.Count(t => t.OwningScope == this && !t.IsDisposed);

    internal static void Attach(Tensor tensor)
    {
        var scope = current;
        if (scope is not null)
        {
            tensor.OwningScope = scope;
            scope.tensors.Add(tensor);
        }
    }

    /// <summary>Moves a tensor to the enclosing scope (or out of scopes if this is the outermost) and returns it.</summary>
    public Tensor MoveToOuter(Tensor tensor)
    {
        if (tensor.OwningScope != this)
        {
            throw new InvalidOperationException("The tensor does not belong to this dispose scope.");
        }
        tensor.OwningScope = Outer;
        Outer?.tensors.Add(tensor);
        return tensor;
    }

    /// <summary>Takes a tensor out of every scope: the caller (or the finalizer) becomes responsible for it.</summary>
    public static Tensor Detach(Tensor tensor)
    {
        tensor.OwningScope = null;
        return tensor;
    }

    /// <summary>Disposes every tensor this scope still owns and closes the scope.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }
        disposed = true;
        foreach (var tensor in tensors)
        {
            if (tensor.OwningScope == this)
            {
                tensor.Dispose();
            }
        }
        tensors.Clear();
        if (current == this)
        {
            current = Outer;
        }
        else
        {
            throw new InvalidOperationException("Dispose scopes must be closed in the reverse order of opening, on the thread that opened them.");
        }
    }
}
