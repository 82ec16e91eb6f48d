using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vision.Data;
using Vision.Data.Loading;
using Vision.Engine.Amp;
using Vision.Engine.Checkpoints;
using Vision.Engine.Distributed;
using Vision.Engine.Evaluation;
using Vision.Engine.Hooks;
using Vision.Engine.Logging;
using Vision.Engine.Optim;
using Vision.Engine.Schedulers;
using Vision.nn;

namespace Vision.Engine.Training;

/// <summary>
/// Trains a model (images → logits) with MMEngine's loop and hooks (the counterpart of MMEngine's Runner and
/// Lightning's Trainer). Build one with <see cref="Create"/> or resolve it from a container set up with
/// <c>services.AddVisionTrainer()</c>; the optimizer, schedulers, hooks, evaluators, scalar writers, checkpoint
/// store and distributed context are services of that container.
/// <code>
/// var result = Trainer.Create(model, trainLoader, valLoader)
///     .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1, momentum: 0.9))
///     .WithSchedule(c => new CosineAnnealingLR(c.Optimizer, T_max: 10))
///     .WithEvaluator(new LossEvaluator())
///     .WithOptions(o => { o.MaxEpochs = 10; o.Checkpoint.SaveBest = "auto"; })
///     .WithWorkDir("work_dirs/mlp")
///     .Fit();
/// </code>
/// <para>
/// Each batch runs in its own dispose scope, so memory stays flat. With gradient accumulation the optimizer steps
/// once per window of <see cref="TrainerOptions.AccumulateGradBatches"/> batches (the last window of an epoch may be
/// shorter and its losses are divided by its real length); schedulers and EMA follow optimizer steps.
/// </para>
/// <para>
/// Resuming restores everything a straight run carries forward (weights, optimizer, schedulers, loss scaler, the
/// global random state, the epoch and the batches it already consumed), so a run interrupted and resumed ends with
/// bit-identical weights. Validation saves and restores the global random state, so it never changes training.
/// </para>
/// </summary>
public sealed class Trainer : IDisposable
{
    /// <summary>The service key of the training <see cref="DataLoader"/>.</summary>
    public const string TrainLoaderKey = "train";

    /// <summary>The service key of the validation <see cref="DataLoader"/>.</summary>
    public const string ValLoaderKey = "val";

    private readonly IDisposable? ownedServices;
    private readonly List<Hook> hooks;
    private readonly List<IEvaluator> evaluators;
    private readonly List<ParamScheduler> schedulers;
    private readonly LossFunction loss;
    private readonly IDataPreprocessor preprocessor;
    private readonly ScalarType? autocastType;
    private readonly Tensor[] parameters;
    private ResumePoint safePoint;
    private ResumePoint? savedPoint;
    private int resumeSkip;
    private int microBatches;
    private volatile string? stopMessage;
    private volatile bool interrupted;
    private bool started;

    /// <summary>Creates a fluent builder for training <paramref name="model"/> on <paramref name="trainDataLoader"/>.</summary>
    /// <param name="model">Any images → logits module (it stays owned by the caller).</param>
    /// <param name="trainDataLoader">The training batches.</param>
    /// <param name="valDataLoader">The validation batches; null = no validation.</param>
    public static TrainerBuilder Create(Module<Tensor, Tensor> model, DataLoader trainDataLoader, DataLoader? valDataLoader = null) =>
        new(model, trainDataLoader, valDataLoader);

    /// <summary>
    /// Resolves every component from <paramref name="services"/> and validates the options (every invalid value
    /// reported, before anything runs). <paramref name="ownedServices"/> is disposed with the trainer.
    /// </summary>
    /// <exception cref="OptionsValidationException">An option is invalid, or the options do not fit the components.</exception>
    internal Trainer(IServiceProvider services, IDisposable? ownedServices)
    {
        this.ownedServices = ownedServices;
        Services = services;
        Options = services.GetRequiredService<IOptions<TrainerOptions>>().Value;
        ValidateOptions(services, Options);
        Model = services.GetService<Module<Tensor, Tensor>>()
            ?? throw new InvalidOperationException("No model is registered: use Trainer.Create(model, …) or services.AddTrainingModel(model).");
        TrainDataLoader = services.GetKeyedService<DataLoader>(TrainLoaderKey)
            ?? throw new InvalidOperationException("No training DataLoader is registered: use Trainer.Create(model, loader, …) or services.AddTrainingData(loader).");
        ValDataLoader = services.GetKeyedService<DataLoader>(ValLoaderKey);
        evaluators = services.GetServices<IEvaluator>().ToList();
        ValidateComposition();

        Device = Vision.Device.Parse(Options.Device);
        Model.to(Device);
        if (Options.ChannelsLast)
        {
            Model.to(MemoryFormat.ChannelsLast);
        }
        Optimizer = services.GetService<Optimizer>()
            ?? throw new InvalidOperationException("No optimizer is registered: use .WithOptimizer(…) or services.AddOptimizer(…).");
        parameters = Optimizer.param_groups.SelectMany(g => g.@params).ToArray();
        var context = new SchedulerContext(Optimizer, StepsPerEpoch, Options.MaxEpochs, Options.MaxIters);
        schedulers = services.GetServices<Func<SchedulerContext, ParamScheduler>>().Select(create => create(context)).ToList();
        // A stable sort: hooks of equal priority keep their registration order, as in MMEngine.
        hooks = services.GetServices<Hook>().OrderBy(h => (int)h.Priority).ToList();
        loss = services.GetRequiredService<LossFunction>();
        preprocessor = services.GetRequiredService<IDataPreprocessor>();
        Checkpoints = services.GetRequiredService<ICheckpointStore>();
        Distributed = services.GetRequiredService<IDistributedContext>();
        Logger = services.GetRequiredService<ILogger<Trainer>>();
        var amp = Options.Amp;
        if (amp.Enabled)
        {
            autocastType = amp.Dtype.Equals("float16", StringComparison.OrdinalIgnoreCase) ? ScalarType.Float16 : ScalarType.BFloat16;
            if (autocastType == ScalarType.Float16)
            {
                Scaler = new GradScaler(amp.InitScale, amp.GrowthFactor, amp.BackoffFactor, amp.GrowthInterval);
            }
        }
        WorkDir = Path.GetFullPath(Options.WorkDir);
    }

    /// <summary>The container the components came from.</summary>
    public IServiceProvider Services { get; }

    /// <summary>The validated options.</summary>
    public TrainerOptions Options { get; }

    /// <summary>The model being trained.</summary>
    public Module<Tensor, Tensor> Model { get; }

    /// <summary>The training batches.</summary>
    public DataLoader TrainDataLoader { get; }

    /// <summary>The validation batches, or null.</summary>
    public DataLoader? ValDataLoader { get; }

    /// <summary>The optimizer.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The parameter schedulers, in registration order.</summary>
    public IReadOnlyList<ParamScheduler> Schedulers => schedulers;

    /// <summary>The hooks in the order they run (by priority, then registration).</summary>
    public IReadOnlyList<Hook> Hooks => hooks;

    /// <summary>The evaluators of validation and test passes.</summary>
    public IReadOnlyList<IEvaluator> Evaluators => evaluators;

    /// <summary>Where checkpoints are written and found.</summary>
    public ICheckpointStore Checkpoints { get; }

    /// <summary>Which process of a distributed run this is; only the main process writes files.</summary>
    public IDistributedContext Distributed { get; }

    /// <summary>The trainer's log (console by default, or the container's logging).</summary>
    public ILogger Logger { get; }

    /// <summary>Scalars and runtime facts shared by the hooks.</summary>
    public MessageHub Logs { get; } = new();

    /// <summary>The loss scaler of float16 mixed precision, else null.</summary>
    public GradScaler? Scaler { get; }

    /// <summary>The training device.</summary>
    public Device Device { get; }

    /// <summary>The work folder (full path).</summary>
    public string WorkDir { get; }

    /// <summary>The folder of scalar logs.</summary>
    public string LogDir => Path.Combine(WorkDir, "logs");

    /// <summary>The folder <see cref="Test"/> writes its evaluation report into: <c>{work_dir}/test</c>.</summary>
    public string TestReportDir => Path.Combine(WorkDir, "test");

    /// <summary>Whether the run is counted in iterations (<see cref="TrainerOptions.MaxIters"/>) rather than epochs.</summary>
    public bool IsIterBased => Options.MaxIters is not null;

    /// <summary>
    /// The current epoch, counted from 0: inside an epoch's hooks the epoch that runs; between epochs the number
    /// completed (it advances after <see cref="Hook.AfterTrainEpoch"/>).
    /// </summary>
    public int Epoch { get; private set; }

    /// <summary>Training iterations (batches) completed; it advances after <see cref="Hook.AfterTrainIter"/>.</summary>
    public long Iter { get; private set; }

    /// <summary>The index of the current batch within its epoch.</summary>
    public int InnerIter { get; private set; }

    /// <summary>Optimizer steps taken.</summary>
    public long OptimizerSteps { get; private set; }

    /// <summary>Batches per training epoch.</summary>
    public int EpochLength => TrainDataLoader.Count;

    /// <summary>Optimizer steps per epoch: each epoch ends with a (possibly shorter) accumulation window.</summary>
    public long StepsPerEpoch => (EpochLength + Options.AccumulateGradBatches - 1) / Options.AccumulateGradBatches;

    /// <summary>The iterations the whole run takes.</summary>
    public long MaxIters => Options.MaxIters ?? (long)Options.MaxEpochs!.Value * EpochLength;

    /// <summary>The latest validation metrics.</summary>
    public IReadOnlyDictionary<string, double> LastMetrics { get; private set; } = new Dictionary<string, double>();

    /// <summary>The newest checkpoint written or resumed from, if any.</summary>
    public string? LatestCheckpoint { get; private set; }

    // The RNG snapshot array is unique to each captured point, so equality here means "the very point that was saved".

    /// <summary>
    /// Whether training advanced since the latest checkpoint was written or resumed from, i.e. whether a checkpoint
    /// written now would hold a newer state.
    /// </summary>
    public bool HasUnsavedProgress => savedPoint != safePoint;

    /// <summary>Whether a stop was requested; the loop ends at the next optimizer-step boundary.</summary>
    public bool StopRequested => stopMessage is not null;

    /// <summary>
    /// Asks the loop to end at the next optimizer-step boundary (after the current epoch when called from
    /// epoch-end hooks), e.g. for early stopping. Training ends normally: the end-of-training hooks run.
    /// </summary>
    public void RequestStop(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        stopMessage ??= reason;
    }

    /// <summary>
    /// Trains until max_epochs or max_iters, a stop request, or an interruption (Ctrl-C or
    /// <paramref name="cancellationToken"/>: training stops after the current optimizer step and writes a
    /// checkpoint). A trainer fits once.
    /// </summary>
    /// <exception cref="NonFiniteLossException">The loss became NaN or infinite (no checkpoint is written for that state).</exception>
    public FitResult Fit(CancellationToken cancellationToken = default)
    {
        if (started)
        {
            throw new InvalidOperationException("This trainer has already run; build a new one to train again.");
        }
        started = true;
        using var cancellation = cancellationToken.Register(() => Interrupt("the cancellation token was cancelled"));
        ConsoleCancelEventHandler onCtrlC = (_, e) =>
        {
            // The first Ctrl-C stops gracefully; a second one is left to terminate the process.
            if (!interrupted)
            {
                e.Cancel = true;
                Interrupt("Ctrl-C");
            }
        };
        Console.CancelKeyPress += onCtrlC;
        try
        {
            if (Options.Seed is { } seed)
            {
                torch.manual_seed((ulong)seed);
            }
            if (Options.Deterministic)
            {
                torch.use_deterministic_algorithms(true);
            }
            // Nothing is unsaved before the first step: a failure while resuming must not write a checkpoint of the
            // untrained model, which resume = "auto" would then pick.
            safePoint = Capture(0, 0);
            savedPoint = safePoint;
            Call(h => h.BeforeRun(this));
            try
            {
                LoadOrResume();
                Call(h => h.BeforeTrain(this));
                RunLoop();
                if (interrupted && Options.Checkpoint.SaveOnInterrupt && HasUnsavedProgress)
                {
                    SaveCheckpoint($"interrupt_iter_{safePoint.Iter}");
                }
                Call(h => h.AfterTrain(this));
            }
            catch (Exception failure)
            {
                SaveAfterFailure(failure);
                CallAfterRunAfterFailure(failure);
                throw;
            }
            Call(h => h.AfterRun(this));
            return Result();
        }
        finally
        {
            Console.CancelKeyPress -= onCtrlC;
        }
    }

    /// <summary>Runs a validation pass with the validation loader and the evaluators; returns the metrics.</summary>
    /// <exception cref="InvalidOperationException">There is no validation loader.</exception>
    public IReadOnlyDictionary<string, double> Validate() =>
        Evaluate(ValDataLoader ?? throw new InvalidOperationException("Validate needs a validation DataLoader."), test: false, classes: null).Metrics;

    /// <summary>
    /// Runs a test pass over <paramref name="testDataLoader"/> with the evaluators (test hooks, no training) and, on the
    /// main process, writes the report (<see cref="EvaluationReport.JsonFileName"/> and
    /// <see cref="EvaluationReport.MarkdownFileName"/>) into <see cref="TestReportDir"/>.
    /// </summary>
    /// <param name="testDataLoader">The test data.</param>
    /// <param name="classes">Class names for the report's per-class rows and confusion matrix (indices when null).</param>
    /// <returns>The report: all metrics, per-class precision/recall/F1 and the confusion matrix where those evaluators ran.</returns>
    public EvaluationReport Test(DataLoader testDataLoader, IReadOnlyList<string>? classes = null)
    {
        ArgumentNullException.ThrowIfNull(testDataLoader);
        var report = Evaluate(testDataLoader, test: true, classes);
        if (Distributed.IsMainProcess)
        {
            report.Save(TestReportDir);
            Info($"Test report: {Path.Combine(TestReportDir, EvaluationReport.MarkdownFileName)}");
        }
        return report;
    }

    /// <summary>
    /// Writes a checkpoint named <paramref name="name"/> of the state at the last optimizer-step boundary (so it
    /// resumes exactly), running the save hooks; with <paramref name="updateLatest"/> it becomes the latest. Only the
    /// main process writes (it returns the location there, null elsewhere); every process waits for it.
    /// </summary>
    public string? SaveCheckpoint(string name, bool updateLatest = true)
    {
        string? location = null;
        if (Distributed.IsMainProcess)
        {
            using var scope = torch.NewDisposeScope();
            using var checkpoint = new Checkpoint(DescribeSafePoint(name));
            foreach (var (key, tensor) in Model.state_dict())
            {
                checkpoint.Tensors[Checkpoint.ModelPrefix + key] = tensor;
            }
            var optimizerState = Optimizer.state_dict();
            checkpoint.Meta.OptimizerParamGroups = [.. optimizerState.param_groups];
            foreach (var (index, state) in optimizerState.state)
            {
                checkpoint.Meta.OptimizerParamSteps[index] = state.step;
                foreach (var (buffer, tensor) in state.tensors)
                {
                    // A new handle: the checkpoint frees what it holds, and the buffer itself stays the optimizer's.
                    checkpoint.Tensors[$"{Checkpoint.OptimizerPrefix}{index}.{buffer}"] = tensor.detach();
                }
            }
            Call(h => h.BeforeSaveCheckpoint(this, checkpoint));
            location = Checkpoints.Save(name, checkpoint, updateLatest);
            if (updateLatest)
            {
                savedPoint = safePoint;
                LatestCheckpoint = location;
            }
            Info($"Saved checkpoint '{location}' (epoch {checkpoint.Meta.Epoch}, iteration {checkpoint.Meta.Iter}).");
            Call(h => h.AfterSaveCheckpoint(this, location));
        }
        Distributed.Barrier();
        return location;
    }

    /// <summary>
    /// Loads the weights of a checkpoint folder this trainer's store can read (with the hooks' state, such as EMA
    /// averages, so a test pass sees what validation saw) or of a <c>.safetensors</c> state dict, for a test or
    /// inference pass. Every tensor must match the model. Unlike <see cref="TrainerOptions.Resume"/>, the optimizer,
    /// schedulers and progress stay as they are.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is nothing at <paramref name="path"/>.</exception>
    public void LoadCheckpoint(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            using var checkpoint = Checkpoints.Load(path);
            Model.load_state_dict(checkpoint.WithPrefix(Checkpoint.ModelPrefix));
            Call(h => h.AfterLoadCheckpoint(this, checkpoint));
        }
        else if (File.Exists(path))
        {
            using var scope = torch.NewDisposeScope();
            Model.load_state_dict(Serialization.StateDictFile.Load(path));
        }
        else
        {
            throw new FileNotFoundException($"No checkpoint folder or .safetensors file at '{path}'.", path);
        }
        Info($"Loaded weights from '{path}'.");
    }

    /// <summary>Frees what the trainer's container created (optimizer, writers, preprocessor); the model stays the caller's.</summary>
    public void Dispose() => ownedServices?.Dispose();

    /// <summary>Writes an informational line to <see cref="Logger"/> on the main process.</summary>
    public void Info(string message)
    {
        if (Distributed.IsMainProcess)
        {
            Logger.LogInformation("{Message}", message);
        }
    }

    // ---- loop -----------------------------------------------------------------------------------

    private bool Finished => IsIterBased ? Iter >= MaxIters : Epoch >= Options.MaxEpochs;

    private void RunLoop()
    {
        while (!Finished && !StopRequested)
        {
            if (!RunTrainEpoch())
            {
                return;
            }
            if (!IsIterBased && ValDataLoader is not null && IsValidationDue(Epoch, Options.MaxEpochs!.Value))
            {
                Validate();
            }
        }
    }

    private bool IsValidationDue(long done, long total) =>
        done >= Options.ValBegin && (done % Options.ValInterval == 0 || done == total);

    // Returns whether the epoch ran to its end (false: stopped or reached max_iters inside it).
    private bool RunTrainEpoch()
    {
        Call(h => h.BeforeTrainEpoch(this));
        Model.train();
        var skip = resumeSkip;
        resumeSkip = 0;
        InnerIter = skip;
        var windowLength = 0;
        var brokeOff = false;
        foreach (var batch in TrainDataLoader.Epoch(TrainDataLoader.Sampler.Epoch, skip))
        {
            TrainStepOutput output;
            using (batch)
            {
                Call(h => h.BeforeTrainIter(this, InnerIter, batch));
                if (microBatches == 0)
                {
                    windowLength = WindowLength();
                }
                output = TrainStep(batch, windowLength);
                Call(h => h.AfterTrainIter(this, InnerIter, batch, output));
            }
            InnerIter++;
            Iter++;
            if (IsIterBased && ValDataLoader is not null && IsValidationDue(Iter, MaxIters))
            {
                Validate();
            }
            if (output.OptimizerStepped && (StopRequested || (IsIterBased && Iter >= MaxIters)))
            {
                brokeOff = true;
                break;
            }
        }
        if (!brokeOff && microBatches > 0)
        {
            // The loader yielded fewer batches than planned (a batch of only bad samples was skipped), so the
            // window never filled: step with what it has rather than carrying its gradients into the next epoch.
            Logger.LogWarning("Epoch {Epoch} ended inside an accumulation window; stepping with {Count} of its batches.", Epoch + 1, microBatches);
            StepOptimizer();
            microBatches = 0;
            safePoint = Capture(Epoch, InnerIter);
        }
        if (brokeOff && InnerIter < EpochLength)
        {
            return false;
        }
        safePoint = Capture(Epoch + 1, 0);
        Call(h => h.AfterTrainEpoch(this));
        Epoch++;
        InnerIter = 0;
        return !brokeOff;
    }

    // The real length of the accumulation window starting at this batch: accumulate_grad_batches, cut short by
    // the end of the epoch or of max_iters, so each batch's loss is divided by the number of batches summed.
    private int WindowLength()
    {
        var length = Math.Min(Options.AccumulateGradBatches, EpochLength - InnerIter);
        if (IsIterBased)
        {
            length = (int)Math.Min(length, MaxIters - Iter);
        }
        return Math.Max(length, 1);
    }

    private TrainStepOutput TrainStep(Batch batch, int windowLength)
    {
        using var scope = torch.NewDisposeScope();
        var (inputs, targets) = preprocessor.Process(batch, training: true, AugmentRandom());
        Tensor logits;
        using (Autocast())
        {
            logits = Model.forward(inputs);
        }
        var lossTensor = loss(logits.to(ScalarType.Float32), targets);
        var lossValue = lossTensor.item<double>();
        var scaled = windowLength == 1 ? lossTensor : lossTensor / windowLength;
        if (Scaler is not null)
        {
            scaled = Scaler.scale(scaled);
        }
        scaled.backward();
        Logs.UpdateScalar("train/loss", lossValue);
        microBatches++;
        if (microBatches < windowLength)
        {
            return new TrainStepOutput(lossValue, batch.Count, false, false, null);
        }
        microBatches = 0;
        Logs.UpdateScalar("train/lr", Optimizer.param_groups[0].lr);
        var (skipped, gradNorm) = StepOptimizer();
        safePoint = Capture(Epoch, InnerIter + 1, Iter + 1);
        return new TrainStepOutput(lossValue, batch.Count, true, skipped, gradNorm);
    }

    private (bool Skipped, double? GradNorm) StepOptimizer()
    {
        Scaler?.unscale_(Optimizer);
        double? gradNorm = null;
        var clip = Options.ClipGrad;
        if (clip.MaxNorm is { } maxNorm)
        {
            using var total = ClipGrad.clip_grad_norm_(parameters, maxNorm, clip.NormType);
            gradNorm = total.item<double>();
            Logs.UpdateScalar("train/grad_norm", gradNorm.Value);
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
            Logs.UpdateScalar("train/loss_scale", Scaler.get_scale());
        }
        else
        {
            Optimizer.step();
        }
        Optimizer.zero_grad();
        OptimizerSteps++;
        return (skipped, gradNorm);
    }

    private IDisposable? Autocast() => autocastType is { } type ? torch.autocast(Device.Type, type) : null;

    // The batch augment's random source depends only on (seed, epoch, batch), like the loader's per-sample
    // sources, so a resumed epoch mixes its remaining batches exactly as an uninterrupted one. Negative indices
    // keep it apart from the samples' own streams, which use the dataset indices 0, 1, ….
    private Random AugmentRandom() =>
        DataLoader.CreateSampleRandom(Options.Seed ?? TrainDataLoader.Options.Seed, Epoch, -1 - InnerIter);

    private EvaluationReport Evaluate(DataLoader loader, bool test, IReadOnlyList<string>? classes)
    {
        // Validation must not shift the training random stream: a resumed run does not repeat it.
        using var rngState = torch.get_rng_state();
        var wasTraining = Model.training;
        Call(h => { if (test) { h.BeforeTest(this); } else { h.BeforeVal(this); } });
        foreach (var evaluator in evaluators)
        {
            evaluator.Reset();
        }
        Model.eval();
        Call(h => { if (test) { h.BeforeTestEpoch(this); } else { h.BeforeValEpoch(this); } });
        using (torch.no_grad())
        {
            var index = 0;
            foreach (var batch in loader)
            {
                using (batch)
                using (torch.NewDisposeScope())
                {
                    var batchIndex = index;
                    Call(h => { if (test) { h.BeforeTestIter(this, batchIndex, batch); } else { h.BeforeValIter(this, batchIndex, batch); } });
                    var (inputs, targets) = preprocessor.Process(batch, training: false, AugmentRandom());
                    Tensor logits;
                    using (Autocast())
                    {
                        logits = Model.forward(inputs);
                    }
                    var logits32 = logits.to(ScalarType.Float32);
                    foreach (var evaluator in evaluators)
                    {
                        evaluator.Process(logits32, targets);
                    }
                    Call(h => { if (test) { h.AfterTestIter(this, batchIndex, batch, logits32); } else { h.AfterValIter(this, batchIndex, batch, logits32); } });
                }
                index++;
            }
        }
        var report = EvaluationReport.FromEvaluators(evaluators, classes);
        var metrics = report.Metrics;
        Model.train(wasTraining);
        var mode = test ? "test" : "val";
        foreach (var (name, value) in metrics)
        {
            Logs.UpdateScalar($"{mode}/{name}", value);
        }
        if (!test)
        {
            LastMetrics = metrics;
        }
        Call(h => { if (test) { h.AfterTestEpoch(this, metrics); } else { h.AfterValEpoch(this, metrics); } });
        Call(h => { if (test) { h.AfterTest(this); } else { h.AfterVal(this); } });
        torch.set_rng_state(rngState);
        return report;
    }

    private void Call(Action<Hook> point)
    {
        foreach (var hook in hooks)
        {
            point(hook);
        }
    }

    private void Interrupt(string why)
    {
        interrupted = true;
        RequestStop($"interrupted: {why}");
    }

    private FitResult Result()
    {
        var reason = interrupted ? StopReason.Interrupted : StopRequested ? StopReason.Stopped : StopReason.Completed;
        Logs.TryGetInfo<string>(CheckpointHook.BestCheckpointInfo, out var best);
        return new FitResult(reason, stopMessage ?? "completed", Epoch, Iter, OptimizerSteps, LastMetrics, WorkDir, LogDir, LatestCheckpoint, best);
    }

    private void SaveAfterFailure(Exception failure)
    {
        // A non-finite loss leaves no trustworthy state: the latest checkpoint must stay the last good one.
        if (failure is NonFiniteLossException || !Options.Checkpoint.SaveOnInterrupt || !HasUnsavedProgress)
        {
            return;
        }
        try
        {
            SaveCheckpoint($"interrupt_iter_{safePoint.Iter}");
        }
        catch (Exception e)
        {
            Logger.LogError(e, "Could not write a checkpoint after the training failure.");
        }
    }

    private void CallAfterRunAfterFailure(Exception failure)
    {
        foreach (var hook in hooks)
        {
            try
            {
                hook.AfterRun(this);
            }
            catch (Exception e)
            {
                // The training failure is the exception that matters; a hook failing while winding down only gets logged.
                Logger.LogError(e, "{Hook}.AfterRun failed after the training failure {Failure}.", hook.GetType().Name, failure.GetType().Name);
            }
        }
    }

    // ---- checkpoints ----------------------------------------------------------------------------

    private ResumePoint Capture(int epoch, int batchesConsumed, long? iter = null)
    {
        using var state = torch.get_rng_state();
        return new ResumePoint(epoch, batchesConsumed, iter ?? Iter, OptimizerSteps, state.data<byte>());
    }

    private CheckpointMeta DescribeSafePoint(string name) => new()
    {
        Name = name,
        SavedAt = DateTimeOffset.UtcNow,
        Epoch = safePoint.Epoch,
        BatchesConsumed = safePoint.BatchesConsumed,
        Iter = safePoint.Iter,
        OptimizerSteps = safePoint.OptimizerSteps,
        Schedulers = schedulers.Select(s => s.state_dict()).ToList(),
        LossScaler = Scaler?.state_dict(),
        RngState = safePoint.RngState,
        Seed = Options.Seed,
        LoaderSeed = TrainDataLoader.Options.Seed,
        Metrics = new Dictionary<string, double>(LastMetrics),
        Config = JsonSerializer.SerializeToNode(Options, FileCheckpointStore.JsonOptions) as JsonObject,
    };

    private void LoadOrResume()
    {
        if (Options.Resume is { } resume)
        {
            var location = resume == "auto" ? Checkpoints.FindLatest() : resume;
            if (location is null)
            {
                Info($"resume = \"auto\" found no checkpoint in '{Checkpoints.Root}'; training from scratch.");
                return;
            }
            Resume(location);
        }
        else if (Options.LoadFrom is { } weights)
        {
            LoadWeights(weights);
        }
    }

    private void Resume(string location)
    {
        using var checkpoint = Checkpoints.Load(location);
        var meta = checkpoint.Meta;
        if (meta.BatchesConsumed > EpochLength)
        {
            throw new InvalidOperationException(
                $"Checkpoint '{location}' was written after {meta.BatchesConsumed} batches of its epoch, but an epoch now has {EpochLength}; resume it with the same data and batch size.");
        }
        if (meta.Schedulers.Count != schedulers.Count)
        {
            throw new InvalidOperationException(
                $"Checkpoint '{location}' holds {meta.Schedulers.Count} scheduler states but the trainer has {schedulers.Count} schedulers.");
        }
        Model.load_state_dict(checkpoint.WithPrefix(Checkpoint.ModelPrefix));
        Optimizer.load_state_dict(OptimizerState(checkpoint));
        for (var i = 0; i < schedulers.Count; i++)
        {
            schedulers[i].load_state_dict(meta.Schedulers[i]);
        }
        if (Scaler is not null && meta.LossScaler is { } scalerState)
        {
            Scaler.load_state_dict(scalerState);
        }
        if (meta.RngState is { } rng)
        {
            using var state = torch.tensor<byte>(rng, [rng.Length]);
            torch.set_rng_state(state);
        }
        if (meta.LoaderSeed != TrainDataLoader.Options.Seed)
        {
            Logger.LogWarning("The checkpoint's training loader had seed {Saved} but this one has {Current}: the remaining batches will differ from the original run's.",
                meta.LoaderSeed, TrainDataLoader.Options.Seed);
        }
        Epoch = meta.Epoch;
        Iter = meta.Iter;
        OptimizerSteps = meta.OptimizerSteps;
        resumeSkip = meta.BatchesConsumed;
        LastMetrics = meta.Metrics;
        LatestCheckpoint = checkpoint.Location;
        safePoint = new ResumePoint(Epoch, resumeSkip, Iter, OptimizerSteps, meta.RngState ?? Capture(Epoch, resumeSkip).RngState);
        savedPoint = safePoint;
        Call(h => h.AfterLoadCheckpoint(this, checkpoint));
        Info($"Resumed from '{checkpoint.Location}': epoch {Epoch + 1}, batch {resumeSkip} of it, iteration {Iter}.");
    }

    private static OptimizerStateDict OptimizerState(Checkpoint checkpoint)
    {
        var meta = checkpoint.Meta;
        var buffers = new Dictionary<int, Dictionary<string, Tensor>>();
        foreach (var (key, tensor) in checkpoint.WithPrefix(Checkpoint.OptimizerPrefix))
        {
            var dot = key.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0 || !int.TryParse(key.AsSpan(0, dot), out var index))
            {
                throw new InvalidDataException($"Checkpoint tensor '{Checkpoint.OptimizerPrefix}{key}' is not named optimizer.{{parameter index}}.{{buffer}}.");
            }
            if (!buffers.TryGetValue(index, out var named))
            {
                named = new Dictionary<string, Tensor>(StringComparer.Ordinal);
                buffers[index] = named;
            }
            named[key[(dot + 1)..]] = tensor;
        }
        var states = new Dictionary<int, ParamStateDict>();
        foreach (var index in meta.OptimizerParamSteps.Keys.Union(buffers.Keys))
        {
            states[index] = new ParamStateDict(meta.OptimizerParamSteps.GetValueOrDefault(index),
                buffers.TryGetValue(index, out var named) ? named : new Dictionary<string, Tensor>());
        }
        return new OptimizerStateDict(meta.OptimizerParamGroups, states);
    }

    private void LoadWeights(string path)
    {
        var fromCheckpoint = Directory.Exists(path);
        using var checkpoint = fromCheckpoint ? Checkpoints.Load(path) : null;
        using var scope = torch.NewDisposeScope();
        var source = checkpoint?.WithPrefix(Checkpoint.ModelPrefix) ?? Serialization.StateDictFile.Load(path);
        var current = Model.state_dict();
        var usable = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, tensor) in source)
        {
            if (!current.TryGetValue(key, out var target))
            {
                continue;
            }
            if (target.shape.SequenceEqual(tensor.shape))
            {
                usable[key] = tensor;
            }
            else
            {
                Info($"load_from: skipping '{key}': shape [{string.Join(", ", tensor.shape)}] in '{path}', [{string.Join(", ", target.shape)}] in the model.");
            }
        }
        var result = Model.load_state_dict(usable, strict: false);
        var unused = source.Keys.Count(k => !current.ContainsKey(k));
        Info($"load_from: loaded {usable.Count} tensors from '{path}'" +
            (result.missing_keys.Count > 0 ? $"; {result.missing_keys.Count} model tensors keep their initial values ({string.Join(", ", result.missing_keys)})" : "") +
            (unused > 0 ? $"; {unused} tensors of the file are not in the model" : "") + ".");
    }

    // ---- validation of the setup ----------------------------------------------------------------

    private static void ValidateOptions(IServiceProvider services, TrainerOptions options)
    {
        // The options may have been registered without the options pipeline (e.g. Options.Create): validate here
        // too, so a trainer never starts with invalid options however it was composed.
        var failures = services.GetServices<IValidateOptions<TrainerOptions>>()
            .Select(v => v.Validate(Microsoft.Extensions.Options.Options.DefaultName, options))
            .Where(r => r.Failed)
            .SelectMany(r => r.Failures ?? [])
            .Distinct()
            .ToList();
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(TrainerOptions), failures);
        }
    }

    private void ValidateComposition()
    {
        var failures = new List<string>();
        if (Options.Checkpoint.SaveBest is { } best && (ValDataLoader is null || evaluators.Count == 0))
        {
            failures.Add($"Checkpoint.SaveBest (checkpoint.save_best) is '{best}' but there is {(ValDataLoader is null ? "no validation DataLoader" : "no evaluator")} to produce metrics.");
        }
        if (TrainDataLoader.Count == 0)
        {
            failures.Add("The training DataLoader has no batches (is the dataset smaller than a batch with drop_last?).");
        }
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(TrainerOptions), failures);
        }
    }

    // The state a checkpoint captures: taken right after each optimizer step and at each epoch's end, the only
    // points where no gradients are pending, so resuming from it continues exactly.
    private readonly record struct ResumePoint(int Epoch, int BatchesConsumed, long Iter, long OptimizerSteps, byte[] RngState);
}
