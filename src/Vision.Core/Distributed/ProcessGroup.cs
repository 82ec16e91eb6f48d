using static Vision.Native.NativeMethods;

namespace Vision.Distributed;

/// <summary>
/// A group of processes that run collectives together (<c>torch.distributed.ProcessGroup</c>): libtorch's c10d
/// <c>ProcessGroupGloo</c> over a <c>TCPStore</c> rendezvous. Made by <see cref="torch.distributed.init_process_group"/>;
/// disposing it (or <see cref="torch.distributed.destroy_process_group"/>) closes its connections.
/// </summary>
public sealed class ProcessGroup : IDisposable
{
    private IntPtr handle;

    internal ProcessGroup(IntPtr handle, int rank, int size, string backend)
    {
        this.handle = handle;
        Rank = rank;
        Size = size;
        Backend = backend;
    }

    /// <summary>This process's rank in the group, 0 to <see cref="Size"/> - 1.</summary>
    public int Rank { get; }

    /// <summary>The number of processes in the group.</summary>
    public int Size { get; }

    /// <summary>The backend's name ("gloo").</summary>
    public string Backend { get; }

    internal IntPtr Handle => handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(nameof(ProcessGroup), "The process group was destroyed.");

    /// <summary>Closes the group's connections.</summary>
    public void Dispose()
    {
        var h = Interlocked.Exchange(ref handle, IntPtr.Zero);
        if (h != IntPtr.Zero)
        {
            vt_pg_free(h);
        }
    }
}
