using System.Text.Json.Nodes;
using Vision.Data;
using Vision.Engine.Checkpoints;
using Vision.Engine.Training;

namespace Vision.Engine.Hooks;

/// <summary>
/// Keeps an exponential moving average of the model's weights (MMEngine's <c>EMAHook</c>, timm's ModelEma, priority
/// ABOVE_NORMAL): after every optimizer step (not every batch, and not when the loss scaler skipped the step) each
/// parameter's average moves as <c>ema = d * ema + (1 - d) * param</c>, with d from <see cref="Decay"/>. Buffers (BatchNorm
/// statistics) are copied, or averaged too with <c>updateBuffers</c>. With <c>validateWithEma</c> validation and
/// test passes run on the averaged weights (swapped in and back out). Checkpoints hold the averages as tensors
/// "ema.{key}" and the update count, so a resumed run continues the same average.
/// </summary>
public sealed class EMAHook : Hook, IDisposable
{
    /// <summary>The prefix of the averaged tensors in checkpoints.</summary>
    public const string TensorPrefix = "ema.";

    /// <summary>The key of the hook's checkpoint state that says whether validation evaluated the averaged weights.</summary>
    public const string ValidatedWithEmaKey = "validate_with_ema";

    /// <summary>Whether a checkpoint's validation evaluated the EMA weights (so inference should use them by default).</summary>
    public static bool ValidatedWithEma(CheckpointMeta meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        return meta.Hooks.TryGetValue(nameof(EMAHook), out var node) && node is JsonObject state
            && state[ValidatedWithEmaKey]?.GetValue<bool>() == true;
    }

    private readonly double decay;
    private readonly EmaDecay schedule;
    private readonly double tau;
    private readonly bool validateWithEma;
    private readonly bool updateBuffers;
    private readonly List<(string Key, Tensor Live, Tensor Average, bool Averaged)> entries = [];

    /// <summary>Creates the hook.</summary>
    /// <param name="decay">The (final) decay, e.g. 0.9998 (timm) or 0.9999 (YOLOv5).</param>
    /// <param name="schedule">How the decay warms up; by default YOLOv5's ramp <c>decay * (1 - exp(-updates / tau))</c>, so a
    /// short run's average is not dominated by the random initial weights.</param>
    /// <param name="tau">YOLOv5's ramp length in updates, for <see cref="EmaDecay.Tau"/>.</param>
    /// <param name="validateWithEma">Run validation and test on the averaged weights.</param>
    /// <param name="updateBuffers">Average floating-point buffers too instead of copying them.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decay"/> is not in [0, 1) or <paramref name="tau"/> is not positive.</exception>
    public EMAHook(double decay = 0.9998, EmaDecay schedule = EmaDecay.Tau, double tau = 2000, bool validateWithEma = true, bool updateBuffers = false)
        : base(HookPriority.AboveNormal)
    {
        if (!(decay >= 0 && decay < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "decay must be in [0, 1).");
        }
        if (!(tau > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(tau), tau, "tau must be > 0.");
        }
        this.decay = decay;
        this.schedule = schedule;
        this.tau = tau;
        this.validateWithEma = validateWithEma;
        this.updateBuffers = updateBuffers;
    }

    /// <summary>Whether validation and test passes run on the averaged weights (<c>validate_with_ema</c>).</summary>
    public bool ValidatesWithEma => validateWithEma;

    /// <summary>The number of updates made.</summary>
    public long Updates { get; private set; }

    /// <summary>The averaged tensors by state dict key (live tensors owned by the hook; do not dispose them).</summary>
    public IReadOnlyDictionary<string, Tensor> Averages => entries.ToDictionary(e => e.Key, e => e.Average);

    /// <summary>The decay of the update that follows <paramref name="updatesBefore"/> earlier updates.</summary>
    public double Decay(long updatesBefore) => schedule switch
    {
        EmaDecay.Warmup => Math.Min(decay, (1.0 + updatesBefore) / (10.0 + updatesBefore)),
        EmaDecay.Tau => decay * (1 - Math.Exp(-(updatesBefore + 1) / tau)),
        _ => decay,
    };

    /// <inheritdoc/>
    public override void BeforeTrain(Trainer trainer) => EnsureAverages(trainer);

    /// <inheritdoc/>
    public override void AfterTrainIter(Trainer trainer, int batchIndex, Batch batch, TrainStepOutput output)
    {
        if (!output.OptimizerStepped || output.StepSkipped)
        {
            return;
        }
        var d = Decay(Updates);
        using (torch.no_grad())
        {
            foreach (var (_, live, average, averaged) in entries)
            {
                if (averaged)
                {
                    average.lerp_(live, 1 - d);
                }
                else
                {
                    average.copy_(live);
                }
            }
        }
        Updates++;
    }

    /// <inheritdoc/>
    public override void BeforeValEpoch(Trainer trainer) => SwapIfValidating(trainer);

    /// <inheritdoc/>
    public override void AfterValEpoch(Trainer trainer, IReadOnlyDictionary<string, double> metrics) => SwapIfValidating(trainer);

    /// <inheritdoc/>
    public override void BeforeTestEpoch(Trainer trainer) => SwapIfValidating(trainer);

    /// <inheritdoc/>
    public override void AfterTestEpoch(Trainer trainer, IReadOnlyDictionary<string, double> metrics) => SwapIfValidating(trainer);

    /// <inheritdoc/>
    public override void BeforeSaveCheckpoint(Trainer trainer, Checkpoint checkpoint)
    {
        foreach (var (key, _, average, _) in entries)
        {
            checkpoint.Tensors[TensorPrefix + key] = average.detach();
        }
        checkpoint.Meta.Hooks[nameof(EMAHook)] = new JsonObject { ["updates"] = Updates, [ValidatedWithEmaKey] = validateWithEma };
    }

    /// <inheritdoc/>
    public override void AfterLoadCheckpoint(Trainer trainer, Checkpoint checkpoint)
    {
        EnsureAverages(trainer);
        var saved = checkpoint.WithPrefix(TensorPrefix);
        if (saved.Count == 0)
        {
            return;
        }
        var missing = entries.Where(e => !saved.ContainsKey(e.Key)).Select(e => e.Key).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"The checkpoint's EMA lacks {string.Join(", ", missing)}.");
        }
        using (torch.no_grad())
        {
            foreach (var (key, _, average, _) in entries)
            {
                average.copy_(saved[key]);
            }
        }
        if (checkpoint.Meta.Hooks.TryGetValue(nameof(EMAHook), out var node) && node is JsonObject state)
        {
            Updates = state["updates"]?.GetValue<long>() ?? 0;
        }
    }

    /// <summary>Frees the averaged tensors.</summary>
    public void Dispose()
    {
        foreach (var entry in entries)
        {
            entry.Average.Dispose();
        }
        entries.Clear();
    }

    // The averages start as copies of the weights training starts from (after load_from or resume), keyed like the state dict.
    private void EnsureAverages(Trainer trainer)
    {
        if (entries.Count > 0)
        {
            return;
        }
        var parameters = trainer.Model.named_parameters().Select(p => p.parameter).ToHashSet(ReferenceEqualityComparer.Instance);
        var live = trainer.Model.named_parameters().Select(p => (p.name, Tensor: p.parameter))
            .Concat(trainer.Model.named_buffers().Select(b => (b.name, Tensor: b.buffer)));
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        foreach (var (key, tensor) in live)
        {
            var isParameter = parameters.Contains(tensor);
            var averaged = tensor.dtype is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64
                && (isParameter || updateBuffers);
            entries.Add((key, tensor, tensor.detach().clone().DetachFromDisposeScope(), averaged));
        }
    }

    /// <inheritdoc/>
    public override void BeforeVal(Trainer trainer) => SayWhichWeights(trainer, "validation");

    /// <inheritdoc/>
    public override void BeforeTest(Trainer trainer) => SayWhichWeights(trainer, "test");

    private void SayWhichWeights(Trainer trainer, string pass) =>
        trainer.Info(validateWithEma
            ? $"The {pass} evaluates the EMA weights ({Updates} updates, decay now {Decay(Math.Max(Updates - 1, 0)):0.######})."
            : $"The {pass} evaluates the raw weights (EMA kept but validate_with_ema is off).");

    private void SwapIfValidating(Trainer trainer)
    {
        if (!validateWithEma)
        {
            return;
        }
        EnsureAverages(trainer);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        foreach (var (_, live, average, _) in entries)
        {
            var held = live.clone();
            live.copy_(average);
            average.copy_(held);
        }
    }
}
