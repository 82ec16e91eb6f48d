using Vision.Engine.Amp;
using Vision.Engine.Logging;
using Vision.Engine.Training;
using Vision.nn.parallel;

namespace Vision.Engine.Optim;

/// <summary>
/// Everything between a loss and an optimizer step (MMEngine's <c>OptimWrapper</c>/<c>AmpOptimWrapper</c>): mixed
/// precision (<see cref="Autocast"/> and float16 loss scaling), gradient accumulation over a window of batches,
/// clipping, <c>step</c> and <c>zero_grad</c>. A training step hands each batch's loss to <see cref="UpdateParams"/>
/// once; the wrapper decides whether the optimizer steps. This is the one place a distributed wrapper suspends
/// gradient synchronisation (<c>no_sync</c>) for the batches of a window that do not step.
/// </summary>
public sealed class OptimWrapper
{
    private readonly Tensor[] parameters;
    private readonly ClipGradOptions clip;
    private readonly MessageHub logs;
    private readonly Device device;
    private readonly ScalarType? autocastType;
    private int windowLength = 1;

    /// <summary>Wraps <paramref name="optimizer"/>.</summary>
    /// <param name="optimizer">The optimizer; it stays owned by its creator.</param>
    /// <param name="clipGrad">Clipping by norm or by value, or neither.</param>
    /// <param name="autocastType">The autocast dtype of mixed precision (float16 adds a loss scaler), or null.</param>
    /// <param name="amp">The loss scaler's settings, used with float16.</param>
    /// <param name="device">The training device (autocast's device type).</param>
    /// <param name="logs">Where the learning rate, gradient norm and loss scale are recorded.</param>
    public OptimWrapper(Optimizer optimizer, ClipGradOptions clipGrad, ScalarType? autocastType, AmpOptions amp, Device device, MessageHub logs)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(clipGrad);
        ArgumentNullException.ThrowIfNull(amp);
        ArgumentNullException.ThrowIfNull(logs);
        Optimizer = optimizer;
        clip = clipGrad;
        this.autocastType = autocastType;
        this.device = device;
        this.logs = logs;
        parameters = optimizer.param_groups.SelectMany(g => g.@params).ToArray();
        if (autocastType == ScalarType.Float16)
        {
            Scaler = new GradScaler(amp.InitScale, amp.GrowthFactor, amp.BackoffFactor, amp.GrowthInterval);
        }
    }

    /// <summary>The wrapped optimizer.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The loss scaler of float16 mixed precision, else null.</summary>
    public GradScaler? Scaler { get; }

    /// <summary>The data-parallel wrapper whose gradient all-reduce <see cref="AccumulationContext"/> suspends, or null.</summary>
    public DistributedDataParallel? DataParallel { get; init; }

    /// <summary>Batches whose gradients are summed but not yet stepped (0 at a window boundary).</summary>
    public int PendingBatches { get; private set; }

    /// <summary>Optimizer steps taken (restored on resume).</summary>
    public long StepCount { get; internal set; }

    // Losses received, so the loop can check that a training step handed over exactly one per batch.
    internal long UpdateCount { get; private set; }

    /// <summary>Starts an accumulation window of <paramref name="length"/> batches; each batch's loss is divided by it.</summary>
    /// <exception cref="InvalidOperationException">The previous window has batches that were not stepped.</exception>
    public void BeginWindow(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        if (PendingBatches != 0)
        {
            throw new InvalidOperationException($"A new accumulation window cannot start while {PendingBatches} batches of the previous one are not stepped.");
        }
        windowLength = length;
    }

    /// <summary>
    /// The context one batch's forward and backward run in (MMEngine's <c>optim_context</c>): DistributedDataParallel's
    /// <c>no_sync</c> while the batch does not complete its accumulation window, so the gradients are all-reduced once
    /// per optimizer step, by the window's last backward; null otherwise. The training loop enters it around each step.
    /// </summary>
    public IDisposable? AccumulationContext() => DataParallel is not null && PendingBatches + 1 < windowLength ? DataParallel.no_sync() : null;

    /// <summary>The forward-pass context of mixed precision (<c>torch.autocast</c>), or null when it is off: <c>using (wrapper.Autocast()) { … }</c>.</summary>
    public IDisposable? Autocast() => autocastType is { } type ? torch.autocast(device.Type, type) : null;

    /// <summary>
    /// Back-propagates one batch's mean <paramref name="loss"/> (divided by the window length, scaled under float16)
    /// and, when the batch completes its window, unscales, clips, steps and zeroes the gradients. Call it once per batch.
    /// </summary>
    /// <param name="loss">The batch's scalar loss (float32).</param>
    /// <param name="batchSize">The number of samples in the batch.</param>
    /// <returns>What the hooks see in <c>AfterTrainIter</c>.</returns>
    public TrainStepOutput UpdateParams(Tensor loss, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(loss);
        UpdateCount++;
        var lossValue = loss.item<double>();
        var scaled = windowLength == 1 ? loss : loss / windowLength;
        if (Scaler is not null)
        {
            scaled = Scaler.scale(scaled);
        }
        scaled.backward();
        logs.UpdateScalar(MessageHubKeys.TrainLoss, lossValue);
        PendingBatches++;
        if (PendingBatches < windowLength)
        {
            return new TrainStepOutput(lossValue, batchSize, false, false, null);
        }
        logs.UpdateScalar(MessageHubKeys.TrainLr, Optimizer.param_groups[0].lr);
        var (skipped, gradNorm) = Step();
        return new TrainStepOutput(lossValue, batchSize, true, skipped, gradNorm);
    }

    /// <summary>
    /// Steps with the gradients summed so far (unscale, clip, step, zero_grad) and closes the window; the loop calls it
    /// directly only when an epoch ends inside a window.
    /// </summary>
    /// <returns>Whether the loss scaler skipped the step (overflow), and the gradient norm before clipping by norm.</returns>
    public (bool Skipped, double? GradNorm) Step()
    {
        Scaler?.unscale_(Optimizer);
        double? gradNorm = null;
        if (clip.MaxNorm is { } maxNorm)
        {
            using var total = ClipGrad.clip_grad_norm_(parameters, maxNorm, clip.NormType);
            gradNorm = total.item<double>();
            logs.UpdateScalar(MessageHubKeys.TrainGradNorm, gradNorm.Value);
        }
        else if (clip.ClipValue is { } clipValue)
        {
            ClipGrad.clip_grad_value_(parameters, clipValue);
        }
        var skipped = false;
        if (Scaler is not null)
        {
            skipped = !Scaler.step(Optimizer);
            Scaler.update();
            logs.UpdateScalar(MessageHubKeys.TrainLossScale, Scaler.get_scale());
        }
        else
        {
            Optimizer.step();
        }
        Optimizer.zero_grad();
        PendingBatches = 0;
        StepCount++;
        return (skipped, gradNorm);
    }
}
