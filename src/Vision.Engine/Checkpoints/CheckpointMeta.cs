using System.Text.Json.Nodes;
using Vision.Engine.Amp;
using Vision.Engine.Optim;
using Vision.Engine.Schedulers;

namespace Vision.Engine.Checkpoints;

/// <summary>
/// Everything in a checkpoint that is not a tensor, stored as <c>state.json</c> (snake_case keys): where the run was,
/// the optimizer's hyper-parameters and step counts, the schedulers' and loss scaler's state, the random state,
/// the last metrics, the configuration and the hooks' own state.
/// </summary>
public sealed class CheckpointMeta
{
    /// <summary>The layout version of the checkpoint, for future migrations.</summary>
    public int FormatVersion { get; set; } = 1;

    /// <summary>The checkpoint's name ("epoch_3", "recovery_iter_120", …).</summary>
    public string Name { get; set; } = "";

    /// <summary>When it was written.</summary>
    public DateTimeOffset SavedAt { get; set; }

    /// <summary>The epoch the run continues in, counted from 0; when <see cref="BatchesConsumed"/> is 0 this is the number of completed epochs.</summary>
    public int Epoch { get; set; }

    /// <summary>Batches of <see cref="Epoch"/> already trained on (a mid-epoch checkpoint); resuming skips them.</summary>
    public int BatchesConsumed { get; set; }

    /// <summary>Training iterations (batches) completed.</summary>
    public long Iter { get; set; }

    /// <summary>Optimizer steps taken (fewer than <see cref="Iter"/> with gradient accumulation).</summary>
    public long OptimizerSteps { get; set; }

    /// <summary>The optimizer's param groups: hyper-parameters (including scheduler bookkeeping) and parameter indices.</summary>
    public List<ParamGroupStateDict> OptimizerParamGroups { get; set; } = [];

    /// <summary>Each parameter's optimizer step count by parameter index; its buffers are the tensors "optimizer.{index}.{name}".</summary>
    public Dictionary<int, long> OptimizerParamSteps { get; set; } = [];

    /// <summary>
    /// True for a checkpoint saved without the optimizer's buffers (the best checkpoint: it serves evaluation,
    /// inference and <c>load_from</c>, not resuming), which saves two thirds of an AdamW checkpoint.
    /// </summary>
    public bool WeightsOnly { get; set; }

    /// <summary>
    /// True when the checkpoint was written after training that is due a validation but before that validation
    /// ended (an interrupt or recovery checkpoint); resuming from it validates first, as the original run would have.
    /// </summary>
    public bool ValidationPending { get; set; }

    /// <summary>The parameter schedulers' state, in registration order.</summary>
    public List<ParamSchedulerStateDict> Schedulers { get; set; } = [];

    /// <summary>The loss scaler's state (float16 mixed precision only).</summary>
    public GradScalerState? LossScaler { get; set; }

    /// <summary>The global CPU generator's state (<c>torch.get_rng_state()</c>), as bytes.</summary>
    public byte[]? RngState { get; set; }

    /// <summary>The trainer's seed (<see cref="Training.TrainerOptions.Seed"/>).</summary>
    public long? Seed { get; set; }

    /// <summary>The training loader's seed, which with the epoch fixes its order and per-sample randomness.</summary>
    public long LoaderSeed { get; set; }

    /// <summary>The latest validation metrics.</summary>
    public Dictionary<string, double> Metrics { get; set; } = [];

    /// <summary>The trainer's options when the checkpoint was written.</summary>
    public JsonObject? Config { get; set; }

    /// <summary>The hooks' own state by hook name (EMA update count, early-stopping patience, best score, …).</summary>
    public Dictionary<string, JsonNode?> Hooks { get; set; } = [];

    /// <summary>The model's metadata (architecture, classes, input size, normalisation), when it carries any.</summary>
    public Vision.Models.ModelMetadata? Model { get; set; }

    /// <summary>The resolved configuration of a run built from one (<c>Experiment</c>), else null.</summary>
    public JsonObject? RunConfig { get; set; }
}
