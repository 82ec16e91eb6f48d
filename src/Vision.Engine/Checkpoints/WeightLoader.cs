using Vision.Models.Weights;
using Vision.nn;

namespace Vision.Engine.Checkpoints;

/// <summary>
/// The one way weights get into a model: trainer checkpoints (resume, <c>load_from</c>,
/// <see cref="Training.Trainer.LoadCheckpoint"/>), <c>model.pretrained</c> and the CLI all load through here with a
/// <see cref="WeightLoadPolicy"/>, and all get the same <see cref="WeightLoadResult"/> of what was loaded, skipped,
/// adapted, left missing or not used. Files are read by <see cref="PretrainedWeights.Read"/>.
/// </summary>
public static class WeightLoader
{
    /// <summary>Reads the state dict at <paramref name="path"/> (a weights file or a model folder) and loads it into <paramref name="model"/>.</summary>
    /// <param name="model">The model to load into.</param>
    /// <param name="path">The weights file, or a folder with a sharded index or <c>model.safetensors</c>.</param>
    /// <param name="policy">What to do with tensors that do not fit.</param>
    /// <param name="keyMap">Renames the source's keys to the model's (null drops a key), or null.</param>
    /// <param name="log">Receives one line per skipped tensor and a summary, or null.</param>
    /// <param name="fallbackKeyMap">The architecture's map from reference checkpoints, used when the keys are neither the model's nor a known layout's.</param>
    /// <exception cref="FileNotFoundException">There is nothing at <paramref name="path"/>.</exception>
    /// <exception cref="ArgumentException">The weights do not fit under <paramref name="policy"/> (the message names every mismatch).</exception>
    public static WeightLoadResult Load(Module model, string path, WeightLoadPolicy policy, Func<string, string?>? keyMap = null, Action<string>? log = null,
        Func<string, string?>? fallbackKeyMap = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var scope = torch.NewDisposeScope();
        return Load(model, PretrainedWeights.Read(path), policy, path, keyMap, log, fallbackKeyMap);
    }

    /// <summary>Loads <paramref name="weights"/> (e.g. a checkpoint's model tensors) into <paramref name="model"/>.</summary>
    /// <param name="model">The model to load into.</param>
    /// <param name="weights">The source tensors by key.</param>
    /// <param name="policy">What to do with tensors that do not fit.</param>
    /// <param name="source">Names the source in messages (a path).</param>
    /// <param name="keyMap">Renames the source's keys to the model's (null drops a key), or null.</param>
    /// <param name="log">Receives one line per skipped tensor and a summary, or null.</param>
    /// <param name="fallbackKeyMap">The architecture's map from reference checkpoints, used when the keys are neither the model's nor a known layout's.</param>
    /// <exception cref="ArgumentException">The weights do not fit under <paramref name="policy"/> (the message names every mismatch).</exception>
    public static WeightLoadResult Load(Module model, IReadOnlyDictionary<string, Tensor> weights, WeightLoadPolicy policy, string source,
        Func<string, string?>? keyMap = null, Action<string>? log = null, Func<string, string?>? fallbackKeyMap = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(weights);
        using var scope = torch.NewDisposeScope();
        // Every policy reads keys the same way: an explicit map, else a known layout (torchvision, timm, MMPreTrain, …), else the fallback.
        var keys = new WeightLoadOptions { KeyMap = keyMap, FallbackKeyMap = fallbackKeyMap };
        var result = policy switch
        {
            WeightLoadPolicy.Strict => LoadStrict(model, weights, source, keys),
            WeightLoadPolicy.SkipMismatched => LoadMatching(model, weights, source, keys, log),
            WeightLoadPolicy.Adapt => Wrap(source, () => PretrainedWeights.Load(model, weights,
                keys with { Strict = true, SkipMismatchedClassifier = true })),
            _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "Unknown weight load policy."),
        };
        log?.Invoke(Describe(result, source));
        return result;
    }

    /// <summary>The report in one line: "loaded N tensors from 'source'; adapted …; skipped …; M model tensors keep their initial values (…); …".</summary>
    public static string Describe(WeightLoadResult result, string source)
    {
        ArgumentNullException.ThrowIfNull(result);
        var parts = new List<string> { $"loaded {result.LoadedKeys.Count} tensors from '{source}'" };
        if (result.AdaptedKeys.Count > 0)
        {
            parts.Add($"adapted {result.AdaptedKeys.Count} ({string.Join(", ", result.AdaptedKeys)})");
        }
        var skippedNotMissing = result.SkippedKeys.Except(result.MissingKeys).ToList();
        if (skippedNotMissing.Count > 0)
        {
            parts.Add($"skipped {skippedNotMissing.Count}, which keep their initial values ({string.Join(", ", skippedNotMissing)})");
        }
        if (result.MissingKeys.Count > 0)
        {
            parts.Add($"{result.MissingKeys.Count} model tensors keep their initial values ({string.Join(", ", result.MissingKeys)})");
        }
        if (result.UnexpectedKeys.Count > 0)
        {
            parts.Add($"{result.UnexpectedKeys.Count} tensors of the file are not in the model");
        }
        if (result.DroppedKeys.Count > 0)
        {
            parts.Add($"{result.DroppedKeys.Count} tensors dropped by the key map");
        }
        return string.Join("; ", parts) + ".";
    }

    private static WeightLoadResult LoadStrict(Module model, IReadOnlyDictionary<string, Tensor> weights, string source, WeightLoadOptions keys)
    {
        var state = model.state_dict();
        var (mapped, dropped, layout) = Wrap(source, () => PretrainedWeights.ToModelKeys(model, weights, keys));
        var problems = new List<string>();
        problems.AddRange(state.Keys.Where(k => !mapped.ContainsKey(k)).Select(k => $"'{k}' is missing"));
        problems.AddRange(mapped.Keys.Where(k => !state.ContainsKey(k)).Select(k => $"'{k}' is not in the model"));
        problems.AddRange(mapped.Where(w => state.TryGetValue(w.Key, out var target) && !target.shape.SequenceEqual(w.Value.shape))
            .Select(w => $"'{w.Key}' has shape {Shape(w.Value)} but the model's is {Shape(state[w.Key])}"));
        if (problems.Count > 0)
        {
            throw new ArgumentException($"The weights in '{source}' do not fit the model exactly: {string.Join("; ", problems)}.");
        }
        var result = Wrap(source, () => PretrainedWeights.Load(model, mapped, new WeightLoadOptions { Strict = true, SkipMismatchedClassifier = false }));
        return result with { DroppedKeys = dropped, Layout = layout };
    }

    private static WeightLoadResult LoadMatching(Module model, IReadOnlyDictionary<string, Tensor> weights, string source, WeightLoadOptions keys, Action<string>? log)
    {
        var state = model.state_dict();
        var (mapped, dropped, layout) = Wrap(source, () => PretrainedWeights.ToModelKeys(model, weights, keys));
        var usable = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var skipped = new List<string>();
        // In the model's order, so reports read like its state dict.
        foreach (var (key, target) in state)
        {
            if (!mapped.TryGetValue(key, out var tensor))
            {
                continue;
            }
            if (target.shape.SequenceEqual(tensor.shape))
            {
                usable[key] = tensor;
            }
            else
            {
                skipped.Add(key);
                log?.Invoke($"skipping '{key}': shape {Shape(tensor)} in '{source}', {Shape(target)} in the model.");
            }
        }
        var result = Wrap(source, () => PretrainedWeights.Load(model, usable, new WeightLoadOptions { Strict = false, SkipMismatchedClassifier = false }));
        return result with
        {
            SkippedKeys = skipped,
            UnexpectedKeys = mapped.Keys.Where(k => !state.ContainsKey(k)).ToList(),
            DroppedKeys = dropped,
            Layout = layout,
        };
    }


    // PretrainedWeights names the model; the message here also names the source.
    private static T Wrap<T>(string source, Func<T> load)
    {
        try
        {
            return load();
        }
        catch (ArgumentException e) when (!e.Message.Contains(source, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Cannot load '{source}': {e.Message}", e);
        }
    }

    private static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
