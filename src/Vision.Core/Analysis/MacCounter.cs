namespace Vision.Analysis;

/// <summary>
/// Counts multiply-accumulate operations (MACs) of the forward passes run on this thread while it is open, so model
/// summaries can report compute without hooks on every module. <c>nn.functional</c>'s <c>conv2d</c>,
/// <c>conv_transpose2d</c> and <c>linear</c> report themselves, attributed to their weight tensor; ops without a
/// weight that matter (attention's <c>q·kᵀ</c> and <c>attn·v</c> matmuls) are reported by the module that runs them:
/// <code>
/// MacCounter.Add(batch * heads * tokens * tokens * head_dim, this);   // q @ kᵀ
/// </code>
/// Outside a counter <see cref="Add"/> does nothing, so modules may call it unconditionally.
/// </summary>
/// <remarks>
/// Counting conventions follow fvcore/torchvision's "GFLOPS" figures (which count MACs): a convolution costs
/// output elements · (in_channels / groups) · kH · kW, a linear layer output elements · in_features; normalisation,
/// activations, pooling and additions are not counted.
/// </remarks>
public sealed class MacCounter : IDisposable
{
    [ThreadStatic]
    private static MacCounter? active;

    // MACs reported without an owner are kept under this key.
    private static readonly object Unattributed = new();

    private readonly MacCounter? outer;
    private readonly Dictionary<object, long> byOwner = new(ReferenceEqualityComparer.Instance);
    private bool disposed;

    private MacCounter()
    {
        outer = active;
        active = this;
    }

    /// <summary>Starts counting on the calling thread (nested counters each see only what runs while they are innermost).</summary>
    public static MacCounter Start() => new();

    /// <summary>Whether a counter is open on the calling thread (lets callers skip computing a count nobody reads).</summary>
    public static bool IsCounting => active is not null;

    /// <summary>
    /// Adds <paramref name="macs"/> to the innermost open counter of this thread, attributed to <paramref name="owner"/>
    /// (the module that ran the op, or the weight tensor it used) so summaries can charge it to a module; does nothing
    /// when no counter is open.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="macs"/> is negative.</exception>
    public static void Add(long macs, object? owner = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(macs);
        if (active is { } counter)
        {
            var key = owner ?? Unattributed;
            counter.byOwner[key] = counter.byOwner.GetValueOrDefault(key) + macs;
        }
    }

    /// <summary>All MACs counted so far.</summary>
    public long Total => byOwner.Values.Sum();

    /// <summary>MACs by owner (a module or a weight tensor, compared by reference); see <see cref="UnattributedMacs"/> for the rest.</summary>
    public IReadOnlyDictionary<object, long> ByOwner => byOwner.Where(e => !ReferenceEquals(e.Key, Unattributed)).ToDictionary(ReferenceEqualityComparer.Instance);

    /// <summary>MACs that were reported without an owner.</summary>
    public long UnattributedMacs => byOwner.GetValueOrDefault(Unattributed);

    /// <summary>Stops counting; the counts stay readable.</summary>
    /// <exception cref="InvalidOperationException">Counters were closed out of order or on another thread.</exception>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }
        disposed = true;
        if (!ReferenceEquals(active, this))
        {
            throw new InvalidOperationException("MAC counters must be closed in the reverse order of opening, on the thread that opened them.");
        }
        active = outer;
    }
}
