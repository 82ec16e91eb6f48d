using System.Globalization;
using Vision.Distributed;
using static Vision.Native.NativeMethods;

namespace Vision;

public static partial class torch
{
    /// <summary>
    /// torch.distributed over libtorch's c10d: a process group per process (Gloo on the CPU), created from the
    /// torchrun environment contract (<c>MASTER_ADDR</c>, <c>MASTER_PORT</c>, <c>RANK</c>, <c>WORLD_SIZE</c>) or
    /// explicit arguments, and the collectives data-parallel training needs. Every collective waits at most the
    /// group's timeout and turns a failure (a peer that died, a timeout) into a <see cref="TorchException"/> naming
    /// this rank and the operation.
    /// </summary>
    public static class distributed
    {
        /// <summary>PyTorch's default collective timeout.</summary>
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

        private static ProcessGroup? world;

        /// <summary>Whether this build of the shim has c10d with Gloo.</summary>
        public static bool is_available() => vt_dist_is_available() != 0;

        /// <summary>Whether <see cref="init_process_group"/> has run (and the group was not destroyed).</summary>
        public static bool is_initialized() => world is not null;

        /// <summary>
        /// Joins the default process group; blocks until all <paramref name="world_size"/> processes have joined or
        /// <paramref name="timeout"/> passes. <paramref name="init_method"/> is <c>"env://"</c> (MASTER_ADDR,
        /// MASTER_PORT, and RANK/WORLD_SIZE when not given) or <c>"tcp://host:port"</c>. Rank 0 hosts the TCPStore.
        /// </summary>
        /// <exception cref="ArgumentException">An argument or environment variable is missing or invalid (the message names it).</exception>
        /// <exception cref="InvalidOperationException">The default group is already initialised.</exception>
        public static ProcessGroup init_process_group(string backend = "gloo", string init_method = "env://", int rank = -1,
            int world_size = -1, TimeSpan? timeout = null)
        {
            if (world is not null)
            {
                throw new InvalidOperationException("The default process group is already initialised; call destroy_process_group first.");
            }
            if (!string.Equals(backend, "gloo", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"backend '{backend}' is not available in this CPU build; use 'gloo' (NCCL needs a CUDA build of libtorch).", nameof(backend));
            }
            var (host, port) = Rendezvous(init_method);
            rank = rank >= 0 ? rank : EnvInt("RANK");
            world_size = world_size >= 0 ? world_size : EnvInt("WORLD_SIZE");
            var wait = timeout ?? DefaultTimeout;
            Check(vt_pg_init_gloo(host, port, rank, world_size, (long)wait.TotalMilliseconds, out var handle));
            world = new ProcessGroup(handle, rank, world_size, "gloo");
            return world;
        }

        /// <summary>Leaves and frees the default process group.</summary>
        public static void destroy_process_group()
        {
            world?.Dispose();
            world = null;
        }

        /// <summary>This process's rank (0 when no group is initialised, as for a single process).</summary>
        public static int get_rank(ProcessGroup? group = null) => (group ?? world)?.Rank ?? 0;

        /// <summary>The number of processes (1 when no group is initialised).</summary>
        public static int get_world_size(ProcessGroup? group = null) => (group ?? world)?.Size ?? 1;

        /// <summary>Combines <paramref name="tensor"/> across the ranks in place; every rank ends with the result.</summary>
        public static void all_reduce(Tensor tensor, ReduceOp op = ReduceOp.SUM, ProcessGroup? group = null)
        {
            ArgumentNullException.ThrowIfNull(tensor);
            Check(vt_pg_all_reduce(GroupOrDefault(group).Handle, tensor.Handle, (int)op));
            GC.KeepAlive(tensor);
        }

        /// <summary>Copies rank <paramref name="src"/>'s <paramref name="tensor"/> into every other rank's, in place.</summary>
        public static void broadcast(Tensor tensor, int src, ProcessGroup? group = null)
        {
            ArgumentNullException.ThrowIfNull(tensor);
            Check(vt_pg_broadcast(GroupOrDefault(group).Handle, tensor.Handle, src));
            GC.KeepAlive(tensor);
        }

        /// <summary>Fills <paramref name="tensor_list"/> (one tensor per rank, shaped like <paramref name="tensor"/>) with every rank's <paramref name="tensor"/>, in rank order.</summary>
        public static void all_gather(IReadOnlyList<Tensor> tensor_list, Tensor tensor, ProcessGroup? group = null)
        {
            ArgumentNullException.ThrowIfNull(tensor_list);
            ArgumentNullException.ThrowIfNull(tensor);
            var handles = tensor_list.Select(t => t.Handle).ToArray();
            unsafe
            {
                fixed (IntPtr* outs = handles)
                {
                    Check(vt_pg_all_gather(GroupOrDefault(group).Handle, tensor.Handle, outs, handles.Length));
                }
            }
            GC.KeepAlive(tensor_list);
            GC.KeepAlive(tensor);
        }

        /// <summary>
        /// Reduces <paramref name="input_list"/> (one tensor per rank) across the ranks and leaves the result for
        /// this rank's position in <paramref name="output"/>. Gloo has no reduce-scatter in libtorch 1.13, so this
        /// is an all-reduce of the stacked inputs (same result, more traffic).
        /// </summary>
        public static void reduce_scatter(Tensor output, IReadOnlyList<Tensor> input_list, ReduceOp op = ReduceOp.SUM, ProcessGroup? group = null)
        {
            ArgumentNullException.ThrowIfNull(output);
            ArgumentNullException.ThrowIfNull(input_list);
            var g = GroupOrDefault(group);
            if (input_list.Count != g.Size)
            {
                throw new ArgumentException($"reduce_scatter: needs one input tensor per rank ({g.Size}), got {input_list.Count}.", nameof(input_list));
            }
            using var scope = NewDisposeScope();
            var stacked = stack(input_list);
            all_reduce(stacked, op, g);
            output.copy_(stacked[g.Rank]);
        }

        /// <summary>Waits until every rank reaches the barrier.</summary>
        public static void barrier(ProcessGroup? group = null) => Check(vt_pg_barrier(GroupOrDefault(group).Handle));

        /// <summary>The given group, else the default one; throws when neither exists.</summary>
        internal static ProcessGroup GroupOrDefault(ProcessGroup? group) =>
            group ?? world ?? throw new InvalidOperationException("No process group: call torch.distributed.init_process_group first.");

        /// <summary>The sum of <paramref name="tensor"/> over the ranks, as a new tensor whose backward sums the gradient over the ranks too.</summary>
        internal static Tensor AllReduceSumWithGrad(Tensor tensor, ProcessGroup group)
        {
            Check(vt_pg_all_reduce_sum_autograd(group.Handle, tensor.Handle, out var result));
            GC.KeepAlive(tensor);
            return new Tensor(result);
        }

        /// <summary>Copies rank <paramref name="src"/>'s tensors to every rank in buckets of <paramref name="bucketBytes"/> (PyTorch's <c>_broadcast_coalesced</c>).</summary>
        internal static void BroadcastCoalesced(IReadOnlyList<Tensor> tensors, long bucketBytes, int src, ProcessGroup group)
        {
            if (tensors.Count == 0)
            {
                return;
            }
            var handles = tensors.Select(t => t.Handle).ToArray();
            unsafe
            {
                fixed (IntPtr* ts = handles)
                {
                    Check(vt_pg_broadcast_coalesced(group.Handle, ts, handles.Length, bucketBytes, src));
                }
            }
            GC.KeepAlive(tensors);
        }

        private static (string Host, int Port) Rendezvous(string initMethod)
        {
            if (initMethod == "env://")
            {
                var host = Environment.GetEnvironmentVariable("MASTER_ADDR");
                if (string.IsNullOrWhiteSpace(host))
                {
                    throw new ArgumentException("init_method env:// needs the environment variable MASTER_ADDR (the address of rank 0).");
                }
                return (host, EnvInt("MASTER_PORT"));
            }
            if (initMethod.StartsWith("tcp://", StringComparison.Ordinal)
                && Uri.TryCreate(initMethod, UriKind.Absolute, out var uri) && uri.Port > 0)
            {
                return (uri.Host, uri.Port);
            }
            throw new ArgumentException($"init_method must be 'env://' or 'tcp://host:port', got '{initMethod}'.", nameof(initMethod));
        }

        private static int EnvInt(string name)
        {
            var text = Environment.GetEnvironmentVariable(name);
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new ArgumentException(text is null
                    ? $"The environment variable {name} is not set (torchrun sets MASTER_ADDR, MASTER_PORT, RANK and WORLD_SIZE; or pass them explicitly)."
                    : $"The environment variable {name} must be a non-negative integer, got '{text}'.");
        }
    }
}
