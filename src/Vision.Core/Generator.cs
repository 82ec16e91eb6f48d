using static Vision.Native.NativeMethods;

namespace Vision;

/// <summary>
/// A CPU random-number generator (torch.Generator): pass it to random ops for a stream independent of the
/// global one. Its state can be saved and restored, e.g. in checkpoints.
/// </summary>
public sealed class Generator : IDisposable
{
    private IntPtr handle;

    /// <summary>Creates a generator seeded with <paramref name="seed"/>.</summary>
    public Generator(ulong seed = 67280421310721UL)
    {
        Check(vt_generator_new(seed, out handle));
    }

    private Generator(IntPtr handle) => this.handle = handle;

    /// <summary>The global (default) CPU generator, which torch.manual_seed seeds.</summary>
    public static Generator Default { get; } = new(IntPtr.Zero);

    /// <summary>Null for the default generator, else the native generator.</summary>
    internal IntPtr Handle => this == Default || handle != IntPtr.Zero ? handle : throw new ObjectDisposedException(nameof(Generator));

    /// <summary>Reseeds the generator and returns it.</summary>
    public Generator manual_seed(ulong seed)
    {
        Check(vt_generator_manual_seed(Handle, seed));
        return this;
    }

    /// <summary>The seed the generator was last seeded with.</summary>
    public ulong initial_seed()
    {
        Check(vt_generator_initial_seed(Handle, out var seed));
        return seed;
    }

    /// <summary>The full state as a uint8 tensor (as torch.Generator.get_state()).</summary>
    public Tensor get_state()
    {
        Check(vt_generator_get_state(Handle, out var state));
        return new Tensor(state);
    }

    /// <summary>Restores a state returned by <see cref="get_state"/>.</summary>
    public void set_state(Tensor state)
    {
        Check(vt_generator_set_state(Handle, state.Handle));
        GC.KeepAlive(state);
    }

    /// <summary>Frees the native generator (the default generator is never freed).</summary>
    public void Dispose()
    {
        if (handle != IntPtr.Zero)
        {
            vt_generator_free(handle);
            handle = IntPtr.Zero;
        }
    }
}
