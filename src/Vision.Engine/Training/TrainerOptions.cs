using Microsoft.Extensions.Configuration;
using Vision.Engine.Amp;
using Vision.Engine.Checkpoints;

namespace Vision.Engine.Training;

/// <summary>
/// The settings of a <see cref="Trainer"/> (MMEngine's <c>train_cfg</c>, <c>default_hooks</c> and runner arguments).
/// Bindable from configuration under <see cref="SectionName"/> with MMEngine's snake_case keys (<c>max_epochs</c>,
/// <c>clip_grad.max_norm</c>, …), and validated when the trainer is built by <see cref="TrainerOptionsValidator"/>,
/// which reports every invalid value in its own message.
/// </summary>
public sealed class TrainerOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "trainer";

    /// <summary>Train for this many epochs (<c>max_epochs</c>); set this or <see cref="MaxIters"/>.</summary>
    [ConfigurationKeyName("max_epochs")]
    public int? MaxEpochs { get; set; }

    /// <summary>Train for this many iterations, i.e. batches (<c>max_iters</c>); set this or <see cref="MaxEpochs"/>.</summary>
    [ConfigurationKeyName("max_iters")]
    public long? MaxIters { get; set; }

    /// <summary>The first epoch (or iteration, when iteration-based) after which validation runs (<c>val_begin</c>). Default 1.</summary>
    [ConfigurationKeyName("val_begin")]
    public int ValBegin { get; set; } = 1;

    /// <summary>
    /// Validate every this many epochs (or iterations, when iteration-based, as MMEngine's <c>IterBasedTrainLoop</c>)
    /// and after the last one (<c>val_interval</c>). Default 1. An iteration-based configuration that sets it must say
    /// its unit with <see cref="ValByEpoch"/>, since an epoch config switched to <c>max_iters</c> would otherwise
    /// validate after every iteration.
    /// </summary>
    [ConfigurationKeyName("val_interval")]
    public int ValInterval { get; set; } = 1;

    /// <summary>
    /// The unit of <see cref="ValBegin"/> and <see cref="ValInterval"/> in an iteration-based run (<c>val_by_epoch</c>):
    /// false counts iterations, true counts epochs (converted to iterations: n epochs = n × the epoch length). Null
    /// follows the loop; an epoch-based run validates at epoch ends only, so there it cannot be false.
    /// </summary>
    [ConfigurationKeyName("val_by_epoch")]
    public bool? ValByEpoch { get; set; }

    /// <summary>
    /// Batches whose gradients are summed before each optimizer step (<c>accumulate_grad_batches</c>); each batch's
    /// loss is divided by the number of batches its window really has (fewer in an epoch's last window). Schedulers,
    /// EMA and the loss scaler count optimizer steps, not batches. Default 1.
    /// </summary>
    [ConfigurationKeyName("accumulate_grad_batches")]
    public int AccumulateGradBatches { get; set; } = 1;

    /// <summary>Gradient clipping (<c>clip_grad</c>).</summary>
    [ConfigurationKeyName("clip_grad")]
    public ClipGradOptions ClipGrad { get; set; } = new();

    /// <summary>Mixed precision (<c>amp</c>).</summary>
    [ConfigurationKeyName("amp")]
    public AmpOptions Amp { get; set; } = new();

    /// <summary>Convert the model's 4-d weights and every input batch to channels-last memory format (<c>channels_last</c>).</summary>
    [ConfigurationKeyName("channels_last")]
    public bool ChannelsLast { get; set; }

    /// <summary>
    /// Seeds the global generator (<c>torch.manual_seed</c>, for dropout and random init done during training) and the
    /// batch augments' random sources when training starts (<c>seed</c>); null leaves the generator as it is. The
    /// data loaders keep their own seed (<see cref="Vision.Data.Loading.DataLoaderOptions.Seed"/>).
    /// </summary>
    [ConfigurationKeyName("seed")]
    public long? Seed { get; set; }

    /// <summary>Make libtorch use deterministic algorithms only (<c>deterministic</c>, <c>torch.use_deterministic_algorithms</c>).</summary>
    [ConfigurationKeyName("deterministic")]
    public bool Deterministic { get; set; }

    /// <summary>
    /// Intra-op threads of libtorch's kernels for the training step, validation and test (<c>num_threads</c>,
    /// <c>torch.set_num_threads</c>); null (default) = <see cref="Vision.Threading.IntraOpThreads.Default"/>: one per
    /// physical core, or <c>OMP_NUM_THREADS</c> when set. Data-loader workers always run one thread each.
    /// </summary>
    [ConfigurationKeyName("num_threads")]
    public int? NumThreads { get; set; }

    /// <summary>The device to train on (<c>device</c>): <c>"cpu"</c> (default), <c>"cuda"</c> or <c>"cuda:N"</c>.</summary>
    [ConfigurationKeyName("device")]
    public string Device { get; set; } = "cpu";

    /// <summary>The folder for checkpoints and logs (<c>work_dir</c>). Default <c>work_dirs</c>.</summary>
    [ConfigurationKeyName("work_dir")]
    public string WorkDir { get; set; } = "work_dirs";

    /// <summary>Log training scalars every this many iterations (<c>log_interval</c>). Default 10.</summary>
    [ConfigurationKeyName("log_interval")]
    public int LogInterval { get; set; } = 10;

    /// <summary>Show a console progress bar (<c>progress_bar</c>); it is off anyway when the output is redirected. Default true.</summary>
    [ConfigurationKeyName("progress_bar")]
    public bool ProgressBar { get; set; } = true;

    /// <summary>Checkpoint saving (<c>checkpoint</c>).</summary>
    [ConfigurationKeyName("checkpoint")]
    public CheckpointOptions Checkpoint { get; set; } = new();

    /// <summary>
    /// Continue an interrupted run (<c>resume</c>): <c>"auto"</c> picks the newest checkpoint in the work dir (and
    /// starts from scratch, or from <see cref="LoadFrom"/>, when there is none), or a checkpoint folder path. Restores
    /// weights, optimizer, schedulers, loss scaler, random state and the position in the epoch. It wins over
    /// <see cref="LoadFrom"/>, as in MMEngine, so <c>--resume auto</c> works for a fine-tuning config.
    /// </summary>
    [ConfigurationKeyName("resume")]
    public string? Resume { get; set; }

    /// <summary>
    /// Initialise the weights from a checkpoint folder or a weights file before training (<c>load_from</c>), for
    /// fine-tuning: only the model is loaded, under <see cref="LoadFromPolicy"/> (by default tensors whose shape
    /// differs, such as a new head, are skipped with a log line).
    /// </summary>
    [ConfigurationKeyName("load_from")]
    public string? LoadFrom { get; set; }

    /// <summary>
    /// How <see cref="LoadFrom"/> treats tensors that do not fit the model (<c>load_from_policy</c>: <c>"Strict"</c>,
    /// <c>"SkipMismatched"</c> or <c>"Adapt"</c>, see <see cref="WeightLoadPolicy"/>). Default SkipMismatched.
    /// </summary>
    [ConfigurationKeyName("load_from_policy")]
    public WeightLoadPolicy LoadFromPolicy { get; set; } = WeightLoadPolicy.SkipMismatched;

    /// <summary>Batch preprocessing (<c>data_preprocessor</c>).</summary>
    [ConfigurationKeyName("data_preprocessor")]
    public DataPreprocessorOptions DataPreprocessor { get; set; } = new();
}
