using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Vision.Data;
using Vision.Engine.Checkpoints;
using Vision.Engine.Evaluation;
using Vision.Engine.Training;

namespace Vision.Engine.Hooks;

/// <summary>
/// Saves checkpoints (MMEngine's <c>CheckpointHook</c>, priority VERY_LOW) as <see cref="CheckpointOptions"/> says:
/// <list type="bullet">
/// <item>periodic ones, <c>epoch_{n}</c> every interval epochs or <c>iter_{n}</c> every interval iterations, keeping the
/// newest <c>max_keep_ckpts</c>;</item>
/// <item>mid-epoch recovery ones, <c>recovery_iter_{n}</c> every <c>recovery_interval</c> iterations, keeping the last two;</item>
/// <item>the best one by a validation metric, <c>best_{metric}_{epoch_n|iter_n}</c>, replacing the previous best; it
/// holds the weights (and hook state such as EMA) without the optimizer's buffers (<see cref="CheckpointMeta.WeightsOnly"/>);</item>
/// <item>the last one at the end of training (<c>save_last</c>) when the state is not already saved.</item>
/// </list>
/// A checkpoint is written only where no gradients are pending (after an optimizer step or an epoch); an
/// iteration interval that falls inside an accumulation window saves at the window's end. Every checkpoint but the
/// best becomes the latest (what <c>resume = "auto"</c> picks). The best score survives resuming. At the end of a run
/// it logs one line with how many checkpoints it wrote, their total size, and what the checkpoint folder keeps.
/// </summary>
public sealed partial class CheckpointHook : Hook
{
    /// <summary>The <see cref="Logging.MessageHub"/> info key holding the best checkpoint's location.</summary>
    public const string BestCheckpointInfo = "best_checkpoint";

    /// <summary>How many recovery checkpoints are kept.</summary>
    public const int RecoveryCheckpointsKept = 2;

    private readonly CheckpointOptions? configured;
    private CheckpointOptions options = new();
    private bool byEpoch;
    private bool savingBest;
    private int written;
    private long bytesWritten;
    private long nextSave;
    private long nextRecovery;
    private (string Name, Regex Kind, int? Keep)? deferred;

    /// <summary>Creates the hook; null <paramref name="options"/> uses the trainer's <see cref="TrainerOptions.Checkpoint"/>.</summary>
    public CheckpointHook(CheckpointOptions? options = null) : base(HookPriority.VeryLow) => configured = options;

    /// <summary>The best value of the save_best metric so far, or null.</summary>
    public double? BestScore { get; private set; }

    /// <summary>The metric save_best follows (resolved from "auto" at the first validation), or null.</summary>
    public string? BestMetric { get; private set; }

    /// <summary>The name of the best checkpoint, or null.</summary>
    public string? BestCheckpoint { get; private set; }

    /// <inheritdoc/>
    public override void BeforeTrain(Trainer trainer)
    {
        options = configured ?? trainer.Options.Checkpoint;
        byEpoch = options.ByEpoch ?? !trainer.IsIterBased;
        nextSave = NextMultiple(trainer.Iter, options.Interval);
        nextRecovery = NextMultiple(trainer.Iter, options.RecoveryInterval);
        if (trainer.ValidationPending && PeriodicName(trainer, byEpoch ? trainer.Epoch : trainer.Iter) is { } name)
        {
            // Resumed from a checkpoint written before its validation ended: the periodic checkpoint due here
            // follows the validation that is about to run, as in the interrupted run.
            deferred = (name, PeriodicPattern(), null);
        }
    }

    /// <inheritdoc/>
    public override void AfterTrainIter(Trainer trainer, int batchIndex, Batch batch, TrainStepOutput output)
    {
        if (!output.OptimizerStepped)
        {
            return;
        }
        var done = trainer.Iter + 1;
        var saved = false;
        if (!byEpoch && options.Interval > 0 && done >= nextSave)
        {
            SaveAfterValidation(trainer, $"iter_{done}", PeriodicPattern());
            nextSave = NextMultiple(done, options.Interval);
            saved = true;
        }
        if (options.RecoveryInterval > 0 && done >= nextRecovery)
        {
            // A periodic checkpoint of the same state already serves for recovery.
            if (!saved)
            {
                SaveAfterValidation(trainer, $"recovery_iter_{done}", RecoveryName(), RecoveryCheckpointsKept);
            }
            nextRecovery = NextMultiple(done, options.RecoveryInterval);
        }
    }

    /// <inheritdoc/>
    public override void AfterTrainEpoch(Trainer trainer)
    {
        if (byEpoch && PeriodicName(trainer, trainer.Epoch + 1) is { } name)
        {
            SaveAfterValidation(trainer, name, PeriodicPattern());
        }
    }

    // The periodic checkpoint due after `done` epochs (epoch-based) or iterations, or null.
    private string? PeriodicName(Trainer trainer, long done)
    {
        if (options.Interval <= 0)
        {
            return null;
        }
        if (byEpoch)
        {
            var last = !trainer.IsIterBased && done == trainer.Options.MaxEpochs;
            return done % options.Interval == 0 || (last && options.SaveLast) ? $"epoch_{done}" : null;
        }
        return done % options.Interval == 0 ? $"iter_{done}" : null;
    }

    /// <inheritdoc/>
    public override void AfterValEpoch(Trainer trainer, IReadOnlyDictionary<string, double> metrics) => SaveBest(trainer, metrics);

    /// <inheritdoc/>
    public override void AfterVal(Trainer trainer)
    {
        if (deferred is { } save)
        {
            deferred = null;
            Save(trainer, save.Name, save.Kind, save.Keep);
        }
    }

    // A checkpoint of training that is due a validation is written once that validation has ended, so it holds the
    // validation's metrics and best-checkpoint state: resuming from it never skips or repeats a validation.
    private void SaveAfterValidation(Trainer trainer, string name, Regex kind, int? keep = null)
    {
        if (trainer.ValidationPending)
        {
            deferred = (name, kind, keep);
        }
        else
        {
            Save(trainer, name, kind, keep);
        }
    }

    private void SaveBest(Trainer trainer, IReadOnlyDictionary<string, double> metrics)
    {
        if (options.SaveBest is not { } wanted || metrics.Count == 0)
        {
            return;
        }
        BestMetric ??= wanted == "auto" ? metrics.Keys.First() : wanted;
        if (!metrics.TryGetValue(BestMetric, out var value))
        {
            throw new InvalidOperationException(
                $"Checkpoint.SaveBest (checkpoint.save_best) follows '{BestMetric}' but validation reported only: {string.Join(", ", metrics.Keys)}.");
        }
        var rule = MetricRules.Resolve(options.Rule, BestMetric);
        if (!double.IsFinite(value) || !MetricRules.Improves(rule, value, BestScore))
        {
            return;
        }
        var previous = BestCheckpoint;
        BestScore = value;
        var at = trainer.IsIterBased ? $"iter_{trainer.Iter}" : $"epoch_{trainer.Epoch}";
        BestCheckpoint = $"best_{Sanitize(BestMetric)}_{at}";
        string? location;
        savingBest = true;
        try
        {
            location = trainer.SaveCheckpoint(BestCheckpoint, updateLatest: false);
        }
        finally
        {
            savingBest = false;
        }
        if (location is not null)
        {
            trainer.Logs.SetInfo(BestCheckpointInfo, location);
        }
        if (previous is not null && previous != BestCheckpoint && trainer.Distributed.IsMainProcess)
        {
            trainer.Checkpoints.Delete(previous);
        }
    }

    /// <inheritdoc/>
    public override void AfterTrain(Trainer trainer)
    {
        if (!options.SaveLast || !trainer.HasUnsavedProgress)
        {
            return;
        }
        var atEpochEnd = trainer.InnerIter == 0;
        Save(trainer, byEpoch && atEpochEnd ? $"epoch_{trainer.Epoch}" : $"iter_{trainer.Iter}", PeriodicPattern());
    }

    /// <inheritdoc/>
    public override void BeforeSaveCheckpoint(Trainer trainer, Checkpoint checkpoint)
    {
        checkpoint.Meta.Hooks[nameof(CheckpointHook)] = new JsonObject
        {
            ["best_score"] = BestScore,
            ["best_metric"] = BestMetric,
            ["best_checkpoint"] = BestCheckpoint,
        };
        if (savingBest)
        {
            // Resuming never starts from the best checkpoint, so it need not carry the optimizer's buffers.
            foreach (var key in checkpoint.Tensors.Keys.Where(k => k.StartsWith(Checkpoint.OptimizerPrefix, StringComparison.Ordinal)).ToList())
            {
                checkpoint.Tensors[key].Dispose();
                checkpoint.Tensors.Remove(key);
            }
            checkpoint.Meta.OptimizerParamSteps.Clear();
            checkpoint.Meta.WeightsOnly = true;
        }
    }

    /// <inheritdoc/>
    public override void AfterSaveCheckpoint(Trainer trainer, string location)
    {
        written++;
        bytesWritten += FolderBytes(location);
    }

    /// <inheritdoc/>
    public override void AfterRun(Trainer trainer)
    {
        if (written == 0 || !trainer.Distributed.IsMainProcess)
        {
            return;
        }
        var kept = trainer.Checkpoints.List();
        var keptBytes = kept.Sum(name => FolderBytes(Path.Combine(trainer.Checkpoints.Root, name)));
        trainer.Info(string.Create(CultureInfo.InvariantCulture,
            $"Checkpoints: {written} written this run, {Megabytes(bytesWritten)} in total; '{trainer.Checkpoints.Root}' keeps {kept.Count} ({Megabytes(keptBytes)})."));
    }

    /// <inheritdoc/>
    public override void AfterLoadCheckpoint(Trainer trainer, Checkpoint checkpoint)
    {
        if (checkpoint.Meta.Hooks.TryGetValue(nameof(CheckpointHook), out var node) && node is JsonObject state)
        {
            BestScore = state["best_score"]?.GetValue<double>();
            BestMetric = state["best_metric"]?.GetValue<string>();
            BestCheckpoint = state["best_checkpoint"]?.GetValue<string>();
            if (BestCheckpoint is not null && trainer.Checkpoints.List().Contains(BestCheckpoint))
            {
                trainer.Logs.SetInfo(BestCheckpointInfo, Path.Combine(trainer.Checkpoints.Root, BestCheckpoint));
            }
        }
    }

    private void Save(Trainer trainer, string name, Regex kind, int? keep = null)
    {
        trainer.SaveCheckpoint(name);
        var limit = keep ?? options.MaxKeepCkpts;
        if (limit < 1 || !trainer.Distributed.IsMainProcess)
        {
            return;
        }
        var old = trainer.Checkpoints.List()
            .Select(n => (Name: n, Match: kind.Match(n)))
            .Where(c => c.Match.Success)
            .OrderBy(c => long.Parse(c.Match.Groups[1].ValueSpan, CultureInfo.InvariantCulture))
            .Select(c => c.Name)
            .ToList();
        foreach (var stale in old.Take(Math.Max(0, old.Count - limit)))
        {
            trainer.Checkpoints.Delete(stale);
        }
    }

    private static long FolderBytes(string folder) =>
        Directory.Exists(folder) ? new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;

    private static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:F1} MB");

    private Regex PeriodicPattern() => byEpoch ? EpochName() : IterName();

    private static long NextMultiple(long done, int interval) => interval <= 0 ? long.MaxValue : (done / interval + 1) * interval;

    private static string Sanitize(string metric) => NonWordCharacters().Replace(metric, "_");

    [GeneratedRegex("^epoch_(\\d+)$")]
    private static partial Regex EpochName();

    [GeneratedRegex("^iter_(\\d+)$")]
    private static partial Regex IterName();

    [GeneratedRegex("^recovery_iter_(\\d+)$")]
    private static partial Regex RecoveryName();

    [GeneratedRegex("[^A-Za-z0-9]+")]
    private static partial Regex NonWordCharacters();
}
