using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Vision.Engine.Optim;
using Vision.Engine.Training;
using Vision.Models;
using Vision.Models.Weights;

namespace Vision.Engine.Checkpoints;

/// <summary>
/// Saves, resumes and loads a trainer's checkpoints through its <see cref="ICheckpointStore"/> (MMEngine's
/// <c>save_checkpoint</c>, <c>resume</c> and <c>load_from</c>). It tracks the last resume point, the state right after
/// an optimizer step or an epoch's end, and always saves that point, so a resumed run continues bit-exactly.
/// </summary>
internal sealed class CheckpointManager(Trainer trainer, ICheckpointStore store)
{
    private ResumePoint safePoint;
    private ResumePoint? savedPoint;

    /// <summary>The newest checkpoint written or resumed from, if any.</summary>
    public string? Latest { get; private set; }

    /// <summary>Whether training advanced since the latest checkpoint was written or resumed from.</summary>
    public bool HasUnsavedProgress => savedPoint != safePoint;

    /// <summary>The iteration of the point a checkpoint written now would hold.</summary>
    public long SafeIter => safePoint.Iter;

    /// <summary>Marks the current state as saved: nothing is unsaved before the first step.</summary>
    public void Start()
    {
        safePoint = Capture(trainer.Epoch, 0, trainer.Iter);
        savedPoint = safePoint;
    }

    /// <summary>Records a point a checkpoint can resume from exactly (after an optimizer step or an epoch's end).</summary>
    public void MarkSafePoint(int epoch, int batchesConsumed, long iter) => safePoint = Capture(epoch, batchesConsumed, iter);

    /// <summary>
    /// Applies <c>resume</c> or <c>load_from</c>; returns how many batches of the current epoch to skip. When both are
    /// set resume wins, as in MMEngine; <c>load_from</c> then only starts the run when <c>resume = "auto"</c> finds no checkpoint.
    /// </summary>
    public int LoadOrResume()
    {
        var options = trainer.Options;
        if (options.Resume is "auto")
        {
            foreach (var candidate in store.FindResumable())
            {
                Checkpoint checkpoint;
                try
                {
                    checkpoint = store.Load(candidate);
                }
                catch (Exception e) when (e is InvalidDataException or IOException)
                {
                    // A checkpoint damaged by a crash or a full disk: the one before it still resumes the run.
                    trainer.Logger.LogWarning("Cannot resume from '{Checkpoint}' ({Reason}); trying the checkpoint before it.", candidate, e.Message);
                    continue;
                }
                using (checkpoint)
                {
                    return Resume(checkpoint);
                }
            }
            trainer.Info($"resume = \"auto\" found no checkpoint in '{store.Root}'; {(options.LoadFrom is null ? "training from scratch" : "starting from load_from")}.");
        }
        else if (options.Resume is { } resume)
        {
            using var checkpoint = store.Load(resume);
            return Resume(checkpoint);
        }
        if (options.LoadFrom is { } weights)
        {
            // Weights only: a checkpoint folder's hook state belongs to its own run, so only its model tensors are read.
            LoadFrom(weights, options.LoadFromPolicy);
        }
        return 0;
    }

    /// <summary>Writes the resume point as checkpoint <paramref name="name"/> (main process only) and waits for every process.</summary>
    public string? Save(string name, bool updateLatest)
    {
        string? location = null;
        if (trainer.Distributed.IsMainProcess)
        {
            using var scope = torch.NewDisposeScope();
            using var checkpoint = new Checkpoint(Describe(name));
            foreach (var (key, tensor) in trainer.Model.state_dict())
            {
                checkpoint.Tensors[Checkpoint.ModelPrefix + key] = tensor;
            }
            var optimizerState = trainer.Optimizer.state_dict();
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
            trainer.CallHooks(h => h.BeforeSaveCheckpoint(trainer, checkpoint));
            location = store.Save(name, checkpoint, updateLatest);
            if (updateLatest)
            {
                Latest = location;
            }
            trainer.Info($"Saved checkpoint '{location}' (epoch {checkpoint.Meta.Epoch}, iteration {checkpoint.Meta.Iter}).");
            trainer.CallHooks(h => h.AfterSaveCheckpoint(trainer, location));
        }
        trainer.Distributed.Barrier();
        if (updateLatest)
        {
            // On every rank, so all of them agree on whether there is progress left to save (a save is collective).
            savedPoint = safePoint;
        }
        return location;
    }

    /// <summary>Writes an interrupt checkpoint of the last safe point, if there is unsaved progress and the options ask for it.</summary>
    public void SaveInterrupted()
    {
        if (trainer.Options.Checkpoint.SaveOnInterrupt && HasUnsavedProgress)
        {
            Save($"interrupt_iter_{SafeIter}", updateLatest: true);
        }
    }

    /// <summary>Like <see cref="SaveInterrupted"/> after a training failure; a failure to write is logged, not thrown over the first.</summary>
    public void SaveAfterFailure(Exception failure)
    {
        // A non-finite loss leaves no trustworthy state: the latest checkpoint must stay the last good one.
        if (failure is NonFiniteLossException)
        {
            return;
        }
        try
        {
            SaveInterrupted();
        }
        catch (Exception e)
        {
            // The message only: the training failure is what the user sees last, and a stack trace before it hides it.
            trainer.Logger.LogError("Could not write a checkpoint after the training failure: {Message}", e.Message);
        }
    }

    /// <summary>
    /// Loads the weights of a checkpoint folder (with its hooks' state, e.g. EMA averages) or of a weights file under
    /// <paramref name="policy"/>, logging the report with <paramref name="label"/> in front.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is nothing at <paramref name="path"/>.</exception>
    public WeightLoadResult LoadWeights(string path, WeightLoadPolicy policy, string label)
    {
        void Log(string line) => trainer.Info($"{label}: {line}");
        if (Directory.Exists(path))
        {
            using var checkpoint = store.Load(path);
            var result = WeightLoader.Load(trainer.Model, checkpoint.WithPrefix(Checkpoint.ModelPrefix), policy, path, log: Log);
            trainer.CallHooks(h => h.AfterLoadCheckpoint(trainer, checkpoint));
            return result;
        }
        if (File.Exists(path))
        {
            return WeightLoader.Load(trainer.Model, path, policy, log: Log);
        }
        throw new FileNotFoundException($"No checkpoint folder or weights file at '{path}'.", path);
    }

    private ResumePoint Capture(int epoch, int batchesConsumed, long iter)
    {
        using var state = torch.get_rng_state();
        return new ResumePoint(epoch, batchesConsumed, iter, trainer.OptimizerSteps, state.data<byte>());
    }

    private CheckpointMeta Describe(string name) => new()
    {
        Name = name,
        SavedAt = DateTimeOffset.UtcNow,
        Epoch = safePoint.Epoch,
        BatchesConsumed = safePoint.BatchesConsumed,
        Iter = safePoint.Iter,
        OptimizerSteps = safePoint.OptimizerSteps,
        Schedulers = trainer.Schedulers.Select(s => s.state_dict()).ToList(),
        LossScaler = trainer.Scaler?.state_dict(),
        RngState = safePoint.RngState,
        Seed = trainer.Options.Seed,
        LoaderSeed = trainer.TrainDataLoader.Options.Seed,
        Metrics = new Dictionary<string, double>(trainer.LastMetrics),
        Config = JsonSerializer.SerializeToNode(trainer.Options, FileCheckpointStore.JsonOptions) as JsonObject,
        Model = ModelMetadataWithPreprocessing(),
        RunConfig = trainer.RunConfig?.DeepClone().AsObject(),
        ValidationPending = trainer.ValidationPending,
    };

    // A model built in code carries what the registry knows (architecture, classes, size); the trainer adds how it
    // normalised and the class names, so the checkpoint alone tells `vision infer` how to prepare images.
    private ModelMetadata? ModelMetadataWithPreprocessing()
    {
        if ((trainer.Model as ImageClassifier)?.pretrained_cfg is not { } metadata)
        {
            return null;
        }
        var preprocessing = trainer.Options.DataPreprocessor;
        var classes = trainer.TrainDataLoader.Dataset.Classes;
        return metadata with
        {
            Mean = metadata.Mean ?? PerChannel(preprocessing.Mean, metadata.InChannels),
            Std = metadata.Std ?? PerChannel(preprocessing.Std, metadata.InChannels),
            ClassNames = metadata.ClassNames ?? (classes.Count == metadata.NumClasses ? classes : null),
        };
    }

    private static double[]? PerChannel(double[]? values, int channels) =>
        values is [var single] ? Enumerable.Repeat(single, channels).ToArray() : values;

    private int Resume(Checkpoint checkpoint)
    {
        var location = checkpoint.Location ?? "(checkpoint)";
        var meta = checkpoint.Meta;
        var schedulers = trainer.Schedulers;
        if (meta.WeightsOnly)
        {
            throw new InvalidOperationException(
                $"Checkpoint '{location}' holds the weights only (a best checkpoint keeps no optimizer state), so training cannot resume " +
                "from it exactly: resume from a periodic checkpoint (resume = \"auto\" picks the latest), or start from these weights with load_from.");
        }
        if (meta.BatchesConsumed > trainer.EpochLength)
        {
            throw new InvalidOperationException(
                $"Checkpoint '{location}' was written after {meta.BatchesConsumed} batches of its epoch, but an epoch now has {trainer.EpochLength}; resume it with the same data and batch size.");
        }
        if (meta.Schedulers.Count != schedulers.Count)
        {
            throw new InvalidOperationException(
                $"Checkpoint '{location}' holds {meta.Schedulers.Count} scheduler states but the trainer has {schedulers.Count} schedulers.");
        }
        WeightLoader.Load(trainer.Model, checkpoint.WithPrefix(Checkpoint.ModelPrefix), WeightLoadPolicy.Strict, location);
        trainer.Optimizer.load_state_dict(OptimizerState(checkpoint));
        for (var i = 0; i < schedulers.Count; i++)
        {
            schedulers[i].load_state_dict(meta.Schedulers[i]);
        }
        if (trainer.Scaler is not null && meta.LossScaler is { } scalerState)
        {
            trainer.Scaler.load_state_dict(scalerState);
        }
        if (meta.RngState is { } rng)
        {
            using var state = torch.tensor<byte>(rng, [rng.Length]);
            torch.set_rng_state(state);
        }
        var loaderSeed = trainer.TrainDataLoader.Options.Seed;
        if (meta.LoaderSeed != loaderSeed)
        {
            trainer.Logger.LogWarning("The checkpoint's training loader had seed {Saved} but this one has {Current}: the remaining batches will differ from the original run's.",
                meta.LoaderSeed, loaderSeed);
        }
        trainer.RestoreProgress(meta.Epoch, meta.Iter, meta.OptimizerSteps, meta.Metrics, meta.ValidationPending);
        Latest = checkpoint.Location;
        safePoint = new ResumePoint(meta.Epoch, meta.BatchesConsumed, meta.Iter, meta.OptimizerSteps,
            meta.RngState ?? Capture(meta.Epoch, meta.BatchesConsumed, meta.Iter).RngState);
        savedPoint = safePoint;
        trainer.CallHooks(h => h.AfterLoadCheckpoint(trainer, checkpoint));
        trainer.Info($"Resumed from '{checkpoint.Location}': epoch {meta.Epoch + 1}, batch {meta.BatchesConsumed} of it, iteration {meta.Iter}.");
        return meta.BatchesConsumed;
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

    private void LoadFrom(string path, WeightLoadPolicy policy)
    {
        void Log(string line) => trainer.Info($"load_from: {line}");
        if (Directory.Exists(path))
        {
            // A checkpoint folder, or a checkpoint root or work dir standing for its latest checkpoint.
            using var checkpoint = store.Load(FileCheckpointStore.Locate(path));
            WeightLoader.Load(trainer.Model, checkpoint.WithPrefix(Checkpoint.ModelPrefix), policy, path, log: Log);
        }
        else
        {
            WeightLoader.Load(trainer.Model, path, policy, log: Log);
        }
    }
}
