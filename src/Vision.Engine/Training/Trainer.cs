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
using Vision.Engine.Loops;
using Vision.Engine.Optim;
using Vision.Engine.Schedulers;
using Vision.Engine.Steps;
using Vision.Models.Weights;
using Vision.nn;
using Vision.Threading;

namespace Vision.Engine.Training;

/// <summary>
/// Trains a model (images → logits) with MMEngine's loops and hooks (the counterpart of MMEngine's Runner and
/// Lightning's Trainer). Build one with <see cref="Create"/> (or <see cref="CreateForEvaluation"/> for a test pass) or
/// resolve it from a container set up with <c>services.AddVisionTrainer()</c>; the optimizer, schedulers, training
/// step, hooks, evaluators, scalar writers, checkpoint store and distributed context are services of that container.
/// The trainer only composes: the loops (epoch- or iteration-based training, validation, test) run the passes, the
/// <see cref="OptimWrapper"/> owns accumulation, loss scaling, clipping and stepping, the <see cref="ITrainStep"/> turns
/// a batch into a loss, and the checkpoint manager saves, resumes and loads.
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
    private readonly HookSequence hooks;
    private readonly List<IEvaluator> evaluators;
    private readonly List<ParamScheduler> schedulers = [];
    private readonly ScalarType? autocastType;
    private readonly DataLoader? trainDataLoader;
    private readonly OptimWrapper? optimWrapper;
    private readonly CheckpointManager checkpointManager;
    private readonly DistributedTraining dataParallel;
    private readonly TrainLoop? trainLoop;
    private readonly ValLoop? valLoop;
    private volatile string? stopMessage;
    private volatile bool interrupted;
    private bool started;

    /// <summary>Creates a fluent builder for training <paramref name="model"/> on <paramref name="trainDataLoader"/>.</summary>
    /// <param name="model">Any images → logits module (it stays owned by the caller).</param>
    /// <param name="trainDataLoader">The training batches.</param>
    /// <param name="valDataLoader">The validation batches; null = no validation.</param>
    public static TrainerBuilder Create(Module<Tensor, Tensor> model, DataLoader trainDataLoader, DataLoader? valDataLoader = null)
    {
        ArgumentNullException.ThrowIfNull(trainDataLoader);
        return new(model, trainDataLoader, valDataLoader);
    }

    /// <summary>
    /// Creates a fluent builder for a trainer that only evaluates <paramref name="model"/> (<see cref="Test"/>,
    /// <see cref="LoadCheckpoint"/>): it needs no optimizer, no training loader and no run length.
    /// </summary>
    /// <param name="model">Any images → logits module (it stays owned by the caller).</param>
    public static TrainerBuilder CreateForEvaluation(Module<Tensor, Tensor> model) => new(model, null, null);

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
        Distributed = services.GetRequiredService<IDistributedContext>();
        dataParallel = new DistributedTraining(Distributed, services.GetService<DistributedOptions>());
        trainDataLoader = dataParallel.ShardForTraining(services.GetKeyedService<DataLoader>(TrainLoaderKey));
        TrainerSetupValidation.ValidateOptions(services, Options, training: trainDataLoader is not null);
        Model = services.GetService<Module<Tensor, Tensor>>()
            ?? throw new InvalidOperationException("No model is registered: use Trainer.Create(model, …) or services.AddTrainingModel(model).");
        ValDataLoader = dataParallel.ShardForEvaluation(services.GetKeyedService<DataLoader>(ValLoaderKey));
        evaluators = services.GetServices<IEvaluator>().ToList();
        TrainerSetupValidation.ValidateComposition(Options, trainDataLoader, ValDataLoader, evaluators.Count);

        Device = Vision.Device.Parse(Options.Device);
        Model.to(Device);
        if (Options.ChannelsLast)
        {
            Model.to(MemoryFormat.ChannelsLast);
        }
        hooks = new HookSequence(services.GetServices<Hook>());
        Loss = services.GetRequiredService<LossFunction>();
        Preprocessor = services.GetRequiredService<IDataPreprocessor>();
        Checkpoints = services.GetRequiredService<ICheckpointStore>();
        Logger = services.GetRequiredService<ILogger<Trainer>>();
        autocastType = Options.Amp.AutocastType;
        WorkDir = Path.GetFullPath(Options.WorkDir);
        checkpointManager = new CheckpointManager(this, Checkpoints);
        valLoop = ValDataLoader is null ? null : new ValLoop(this, ValDataLoader);
        TrainingModel = trainDataLoader is null ? Model : dataParallel.Wrap(Model);
        if (trainDataLoader is not null)
        {
            var optimizer = services.GetService<Optimizer>()
                ?? throw new InvalidOperationException("No optimizer is registered: use .WithOptimizer(…) or services.AddOptimizer(…).");
            optimWrapper = new OptimWrapper(optimizer, Options.ClipGrad, autocastType, Options.Amp, Device, Logs) { DataParallel = dataParallel.DataParallel };
            var context = new SchedulerContext(optimizer, StepsPerEpoch, Options.MaxEpochs, Options.MaxIters);
            schedulers.AddRange(services.GetServices<Func<SchedulerContext, ParamScheduler>>().Select(create => create(context)));
            var step = services.GetRequiredService<ITrainStep>();
            trainLoop = IsIterBased
                ? new IterBasedTrainLoop(this, optimWrapper, step, checkpointManager, valLoop)
                : new EpochBasedTrainLoop(this, optimWrapper, step, checkpointManager, valLoop);
        }
    }

    /// <summary>The container the components came from.</summary>
    public IServiceProvider Services { get; }

    /// <summary>The validated options.</summary>
    public TrainerOptions Options { get; }

    /// <summary>The model being trained.</summary>
    public Module<Tensor, Tensor> Model { get; }

    /// <summary>The module training forwards run through: <see cref="Model"/>, or its DistributedDataParallel wrapper on several ranks.</summary>
    public Module<Tensor, Tensor> TrainingModel { get; }

    /// <summary>The training batches (on several ranks, this rank's share).</summary>
    /// <exception cref="InvalidOperationException">The trainer was built for evaluation only.</exception>
    public DataLoader TrainDataLoader => trainDataLoader ?? throw EvaluationOnly("training DataLoader");

    /// <summary>The validation batches, or null.</summary>
    public DataLoader? ValDataLoader { get; }

    /// <summary>The optimizer wrapper: accumulation, loss scaling, clipping and stepping.</summary>
    /// <exception cref="InvalidOperationException">The trainer was built for evaluation only.</exception>
    public OptimWrapper OptimWrapper => optimWrapper ?? throw EvaluationOnly("optimizer");

    /// <summary>The optimizer.</summary>
    /// <exception cref="InvalidOperationException">The trainer was built for evaluation only.</exception>
    public Optimizer Optimizer => OptimWrapper.Optimizer;

    /// <summary>The training objective the training step uses.</summary>
    public LossFunction Loss { get; }

    /// <summary>The batch preprocessing (device, float, normalisation, batch augment) of training and evaluation.</summary>
    public IDataPreprocessor Preprocessor { get; }

    /// <summary>The parameter schedulers, in registration order.</summary>
    public IReadOnlyList<ParamScheduler> Schedulers => schedulers;

    /// <summary>The hooks in the order they run (by priority, then registration).</summary>
    public IReadOnlyList<Hook> Hooks => hooks.Ordered;

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
    public GradScaler? Scaler => optimWrapper?.Scaler;

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
    public int Epoch { get; internal set; }

    /// <summary>Training iterations (batches) completed; it advances after <see cref="Hook.AfterTrainIter"/>.</summary>
    public long Iter { get; internal set; }

    /// <summary>The index of the current batch within its epoch.</summary>
    public int InnerIter { get; internal set; }

    /// <summary>Optimizer steps taken.</summary>
    public long OptimizerSteps => optimWrapper?.StepCount ?? 0;

    /// <summary>Batches per training epoch.</summary>
    public int EpochLength => TrainDataLoader.Count;

    /// <summary>Optimizer steps per epoch: each epoch ends with a (possibly shorter) accumulation window.</summary>
    public long StepsPerEpoch => (EpochLength + Options.AccumulateGradBatches - 1) / Options.AccumulateGradBatches;

    /// <summary>The iterations the whole run takes.</summary>
    public long MaxIters => Options.MaxIters ?? (long)Options.MaxEpochs!.Value * EpochLength;

    /// <summary>Samples the loaders dropped as unreadable (<c>skip_bad_samples</c>) in this run; each is logged with its file and reason.</summary>
    public int SkippedSampleCount { get; internal set; }

    /// <summary>The latest validation metrics.</summary>
    public IReadOnlyDictionary<string, double> LastMetrics { get; internal set; } = new Dictionary<string, double>();

    /// <summary>The resolved configuration the run was built from (checkpoints store it), or null.</summary>
    public System.Text.Json.Nodes.JsonObject? RunConfig { get; set; }

    /// <summary>Where <see cref="RunConfig"/> came from (a config file, or the checkpoint that stored it), for reports; null for a run built in code.</summary>
    public string? ConfigOrigin { get; set; }

    /// <summary>The checkpoint or weights file <see cref="LoadCheckpoint"/> last loaded (a full path), or null.</summary>
    public string? LoadedCheckpoint { get; private set; }

    /// <summary>The newest checkpoint written or resumed from, if any.</summary>
    public string? LatestCheckpoint => checkpointManager.Latest;

    /// <summary>
    /// Whether training advanced since the latest checkpoint was written or resumed from, i.e. whether a checkpoint
    /// written now would hold a newer state.
    /// </summary>
    public bool HasUnsavedProgress => checkpointManager.HasUnsavedProgress;

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
    /// <exception cref="InvalidOperationException">The trainer was built for evaluation only, or has already run.</exception>
    public FitResult Fit(CancellationToken cancellationToken = default)
    {
        var loop = trainLoop ?? throw EvaluationOnly("training DataLoader");
        if (started)
        {
            throw new InvalidOperationException("This trainer has already run; build a new one to train again.");
        }
        started = true;
        CheckpointFolderProbe.EnsureWritable(Checkpoints, Distributed.IsMainProcess);
        using var interruption = new InterruptionScope(cancellationToken, reason =>
        {
            interrupted = true;
            RequestStop(reason);
        });
        ConfigureThreads();
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
        checkpointManager.Start();
        CallHooks(h => h.BeforeRun(this));
        try
        {
            var resumeSkip = checkpointManager.LoadOrResume();
            CallHooks(h => h.BeforeTrain(this));
            loop.Run(resumeSkip);
            if (interrupted)
            {
                checkpointManager.SaveInterrupted();
            }
            CallHooks(h => h.AfterTrain(this));
        }
        catch (Exception failure)
        {
            checkpointManager.SaveAfterFailure(failure);
            hooks.CallAfterRunAfterFailure(this, failure);
            throw;
        }
        CallHooks(h => h.AfterRun(this));
        return Result();
    }

    /// <summary>Runs a validation pass with the validation loader and the evaluators; returns the metrics.</summary>
    /// <exception cref="InvalidOperationException">There is no validation loader.</exception>
    public IReadOnlyDictionary<string, double> Validate() =>
        (valLoop ?? throw new InvalidOperationException("Validate needs a validation DataLoader.")).Run();

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
        ConfigureThreads();
        return new TestLoop(this, dataParallel.ShardForEvaluation(testDataLoader)!).Run(classes);
    }

    /// <summary>
    /// Writes a checkpoint named <paramref name="name"/> of the state at the last optimizer-step boundary (so it
    /// resumes exactly), running the save hooks; with <paramref name="updateLatest"/> it becomes the latest. Only the
    /// main process writes (it returns the location there, null elsewhere); every process waits for it.
    /// </summary>
    public string? SaveCheckpoint(string name, bool updateLatest = true) => checkpointManager.Save(name, updateLatest);

    /// <summary>
    /// Loads the weights of a checkpoint folder this trainer's store can read (with the hooks' state, such as EMA
    /// averages, so a test pass sees what validation saw) or of a weights file, for a test or inference pass, through
    /// the <see cref="WeightLoader"/>; a checkpoint root or work dir stands for its latest checkpoint. Unlike <see cref="TrainerOptions.Resume"/>, the optimizer, schedulers and
    /// progress stay as they are.
    /// </summary>
    /// <param name="path">A checkpoint folder, checkpoint root, work dir or weights file.</param>
    /// <param name="policy">What to do with tensors that do not fit; by default every tensor must match the model.</param>
    /// <returns>What was loaded, skipped and adapted (also logged).</returns>
    /// <exception cref="FileNotFoundException">There is nothing at <paramref name="path"/>.</exception>
    /// <exception cref="ArgumentException">The weights do not fit under <paramref name="policy"/>.</exception>
    public WeightLoadResult LoadCheckpoint(string path, WeightLoadPolicy policy = WeightLoadPolicy.Strict)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // A checkpoint root or work dir stands for its latest checkpoint, which reports then name.
        var location = Directory.Exists(path) ? FileCheckpointStore.Locate(path) : path;
        var result = checkpointManager.LoadWeights(location, policy, "load checkpoint");
        LoadedCheckpoint = Path.GetFullPath(location);
        return result;
    }

    /// <summary>Frees what the trainer's container created (optimizer, writers, preprocessor); the model stays the caller's.</summary>
    public void Dispose()
    {
        dataParallel.Dispose();
        ownedServices?.Dispose();
    }

    /// <summary>Writes an informational line to <see cref="Logger"/> on the main process.</summary>
    public void Info(string message)
    {
        if (Distributed.IsMainProcess)
        {
            Logger.LogInformation("{Message}", message);
        }
    }

    private void ConfigureThreads()
    {
        var threads = IntraOpThreads.Configure(Options.NumThreads);
        var source = Options.NumThreads is null ? IntraOpThreads.DefaultSource : "num_threads";
        Info($"Intra-op threads: {threads} ({source}); data loader workers: 1 thread each; idle threads spin briefly ({IdleThreadSpin.Describe()}).");
    }

    internal void CallHooks(Action<Hook> point) => hooks.Call(point);

    internal IDisposable? Autocast() => autocastType is { } type ? torch.autocast(Device.Type, type) : null;

    // The batch augment's random source depends only on (seed, epoch, batch), like the loader's per-sample
    // sources, so a resumed epoch mixes its remaining batches exactly as an uninterrupted one. Negative indices
    // keep it apart from the samples' own streams, which use the dataset indices 0, 1, ….
    internal Random AugmentRandom() =>
        DataLoader.CreateSampleRandom(Options.Seed ?? trainDataLoader?.Options.Seed ?? 0, Epoch, -1 - InnerIter);

    internal void RestoreProgress(int epoch, long iter, long optimizerSteps, IReadOnlyDictionary<string, double> metrics, bool validationPending)
    {
        Epoch = epoch;
        Iter = iter;
        OptimWrapper.StepCount = optimizerSteps;
        LastMetrics = metrics;
        ValidationPending = validationPending;
    }

    /// <summary>
    /// True between the end of a training epoch (or iteration) after which validation is due and the end of that
    /// validation. Checkpoints record it, so a run interrupted in between validates before training on.
    /// </summary>
    internal bool ValidationPending { get; set; }

    /// <summary>Whether validation runs after <paramref name="done"/> epochs (iterations in an iteration-based run).</summary>
    internal bool IsValidationDue(long done)
    {
        var total = IsIterBased ? MaxIters : Options.MaxEpochs!.Value;
        // val_by_epoch: true in an iteration-based run counts epochs, converted here to iterations.
        long unit = IsIterBased && Options.ValByEpoch == true ? EpochLength : 1;
        return valLoop is not null && done >= Options.ValBegin * unit && (done % (Options.ValInterval * unit) == 0 || done == total);
    }

    private static InvalidOperationException EvaluationOnly(string what) => new(
        $"This trainer has no {what}: it was built for evaluation only. Use Trainer.Create(model, trainLoader, …) with an optimizer to train.");

    private FitResult Result()
    {
        var reason = interrupted ? StopReason.Interrupted : StopRequested ? StopReason.Stopped : StopReason.Completed;
        if (SkippedSampleCount > 0)
        {
            Info($"{SkippedSampleCount} unreadable samples were skipped (skip_bad_samples); the log names each file and why.");
        }
        Logs.TryGetInfo<string>(CheckpointHook.BestCheckpointInfo, out var best);
        return new FitResult(reason, stopMessage ?? "completed", Epoch, Iter, OptimizerSteps, LastMetrics, WorkDir, LogDir, LatestCheckpoint, best);
    }
}
