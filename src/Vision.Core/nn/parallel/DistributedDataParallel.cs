using Vision.Distributed;
using static Vision.Native.NativeMethods;

namespace Vision.nn.parallel;

/// <summary>
/// Data-parallel training across processes (<c>torch.nn.parallel.DistributedDataParallel</c>), driving libtorch's own
/// <c>c10d::Reducer</c> as PyTorch's wrapper does: at construction the parameters and buffers are broadcast from rank
/// 0 and the parameters are put in buckets (1 MiB first, then <c>bucket_cap_mb</c>); during backward, autograd hooks
/// all-reduce each bucket as soon as all its gradients are ready, overlapping communication with the rest of the
/// backward pass, and the gradients end up averaged over the ranks. Each rank runs the same steps on its own shard
/// of the batch; the optimizer then steps identically everywhere.
/// <code>
/// torch.distributed.init_process_group("gloo");                 // MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE
/// using var ddp = new DistributedDataParallel(model);
/// var loss = F.cross_entropy(ddp.forward(x), y); loss.backward(); optimizer.step();
/// using (ddp.no_sync()) { … }                                   // accumulate without communicating
/// </code>
/// </summary>
public sealed class DistributedDataParallel : Module<Tensor, Tensor>
{
    // torch.nn.parallel.DistributedDataParallel's broadcast_bucket_size for the initial and buffer syncs.
    private const long BroadcastBucketBytes = 250L * 1024 * 1024;
    private readonly ProcessGroup group;
    private readonly Tensor[] moduleBuffers;
    private IntPtr reducer;
    private bool requireForwardParamSync = true;

    /// <summary>Wraps <paramref name="module"/> (it stays the caller's to dispose) for the default or the given process group.</summary>
    /// <param name="module">The model; every rank must build the same architecture.</param>
    /// <param name="process_group">The group to reduce over; default the one <c>init_process_group</c> made.</param>
    /// <param name="bucket_cap_mb">Bucket size in MiB (PyTorch's default 25).</param>
    /// <param name="find_unused_parameters">Traverse the autograd graph from the outputs each iteration, so parameters
    /// that got no gradient do not stall the reduction (costs a graph traversal).</param>
    /// <param name="broadcast_buffers">Copy rank 0's buffers (BatchNorm running statistics) to every rank before each forward.</param>
    /// <param name="gradient_as_bucket_view">Let the gradients be views into the communication buckets (saves a copy and memory).</param>
    public DistributedDataParallel(Module<Tensor, Tensor> module, ProcessGroup? process_group = null, double bucket_cap_mb = 25,
        bool find_unused_parameters = false, bool broadcast_buffers = true, bool gradient_as_bucket_view = false)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bucket_cap_mb);
        this.module = register_module("module", module);
        group = torch.distributed.GroupOrDefault(process_group);
        this.find_unused_parameters = find_unused_parameters;
        this.broadcast_buffers = broadcast_buffers;
        moduleBuffers = module.buffers().ToArray();
        torch.distributed.BroadcastCoalesced(module.parameters().Concat(moduleBuffers).ToArray(), BroadcastBucketBytes, 0, group);
        var trained = module.parameters().Where(p => p.requires_grad).ToArray();
        var handles = trained.Select(p => p.Handle).ToArray();
        unsafe
        {
            fixed (IntPtr* ps = handles)
            {
                Check(vt_ddp_new(group.Handle, ps, handles.Length, (long)(bucket_cap_mb * 1024 * 1024), find_unused_parameters ? 1 : 0,
                    gradient_as_bucket_view ? 1 : 0, out reducer));
            }
        }
        GC.KeepAlive(trained);
    }

    /// <summary>The wrapped model (its state dict keys get the <c>module.</c> prefix here, as in PyTorch).</summary>
    public Module<Tensor, Tensor> module { get; }

    /// <summary>Whether the outputs are searched for parameters that got no gradient.</summary>
    public bool find_unused_parameters { get; }

    /// <summary>Whether rank 0's buffers are broadcast before each forward.</summary>
    public bool broadcast_buffers { get; }

    /// <summary>Whether the next backward all-reduces (false inside <see cref="no_sync"/>).</summary>
    public bool require_backward_grad_sync { get; private set; } = true;

    /// <summary>
    /// Suspends gradient synchronisation until disposed: backward passes only accumulate local gradients, and the
    /// first synchronised backward after it reduces the accumulated sum (gradient accumulation with one all-reduce
    /// per optimizer step).
    /// </summary>
    public IDisposable no_sync() => new NoSync(this);

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var grad = torch.is_grad_enabled();
        if (grad)
        {
            Check(vt_ddp_prepare_forward(Reducer, require_backward_grad_sync ? 1 : 0));
        }
        if (broadcast_buffers && requireForwardParamSync && moduleBuffers.Length > 0)
        {
            torch.distributed.BroadcastCoalesced(moduleBuffers, BroadcastBucketBytes, 0, group);
        }
        var output = module.forward(input);
        if (grad && require_backward_grad_sync)
        {
            requireForwardParamSync = true;
            IntPtr[] outputs = find_unused_parameters ? [output.Handle] : [];
            unsafe
            {
                fixed (IntPtr* o = outputs)
                {
                    Check(vt_ddp_prepare_backward(Reducer, o, outputs.Length));
                }
            }
            GC.KeepAlive(output);
        }
        else
        {
            requireForwardParamSync = false;
        }
        return output;
    }

    /// <inheritdoc />
    public override string extra_repr() => $"world_size={group.Size}, find_unused_parameters={find_unused_parameters}";

    /// <summary>Frees the reducer; the wrapped module is not disposed (it is the caller's).</summary>
    protected override void Dispose(bool disposing)
    {
        var r = Interlocked.Exchange(ref reducer, IntPtr.Zero);
        if (r != IntPtr.Zero)
        {
            vt_ddp_free(r);
        }
    }

    private IntPtr Reducer => reducer != IntPtr.Zero ? reducer : throw new ObjectDisposedException(nameof(DistributedDataParallel));

    private sealed class NoSync : IDisposable
    {
        private readonly DistributedDataParallel owner;
        private readonly bool previous;

        public NoSync(DistributedDataParallel owner)
        {
            this.owner = owner;
            previous = owner.require_backward_grad_sync;
            owner.require_backward_grad_sync = false;
        }

        public void Dispose() => owner.require_backward_grad_sync = previous;
    }
}
