using Vision.Models.Heads;
using Vision.nn;
using Vision.Serialization;

namespace Vision.Models.Weights;

/// <summary>
/// Loads pretrained weights from safetensors into a model: key mapping, adaptation (e.g. position-embedding resizing
/// through <see cref="IAdaptsPretrainedWeights"/>), skipping a classifier of another class count, and a report of what
/// did not match.
/// </summary>
/// <remarks>
/// Exporting weights from PyTorch (torchvision, timm or MMPreTrain) is one line with the <c>safetensors</c> package:
/// <code>
/// safetensors.torch.save_file(model.state_dict(), "resnet50.safetensors")
/// </code>
/// (for MMPreTrain checkpoints, <c>torch.load(path)["state_dict"]</c>; tensors that share storage need
/// <c>{k: v.contiguous() for k, v in sd.items()}</c>). Load the file with the architecture's key map:
/// <code>
/// var model = ModelRegistry.Create("resnet50", num_classes: 3);
/// PretrainedWeights.Load(model, "resnet50.safetensors", new() { KeyMap = ModelRegistry.Get("resnet50").PretrainedKeyMap, Log = Console.WriteLine });
/// </code>
/// </remarks>
public static class PretrainedWeights
{
    /// <summary>
    /// Loads the safetensors file <paramref name="path"/>, or a directory holding a sharded checkpoint
    /// (<c>model.safetensors.index.json</c>) or a <c>model.safetensors</c>, into <paramref name="model"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no checkpoint at <paramref name="path"/>.</exception>
    /// <exception cref="ArgumentException">The checkpoint does not fit the model (see <see cref="Load(Module, IReadOnlyDictionary{string, Tensor}, WeightLoadOptions?)"/>).</exception>
    public static WeightLoadResult Load(Module model, string path, WeightLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var scope = torch.NewDisposeScope();
        var checkpoint = Read(path);
        try
        {
            return Load(model, checkpoint, options);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Cannot load '{path}' into {model.GetType().Name}: {e.Message}", nameof(path), e);
        }
    }

    /// <summary>
    /// Loads <paramref name="checkpoint"/> (key → tensor, e.g. from <see cref="SafeTensors.Load"/>) into
    /// <paramref name="model"/>: maps keys, lets <see cref="WeightLoadOptions.Adapter"/> and then every module that
    /// implements <see cref="IAdaptsPretrainedWeights"/> replace tensors, skips classifier layers of another shape, and
    /// copies everything else in one checked step (nothing is copied when it throws).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// Two keys map to one; no key matches the model; a shape differs outside the skippable classifier; or, with
    /// <see cref="WeightLoadOptions.Strict"/>, keys are missing or unexpected. The message lists every problem.
    /// </exception>
    public static WeightLoadResult Load(Module model, IReadOnlyDictionary<string, Tensor> checkpoint, WeightLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(checkpoint);
        options ??= new WeightLoadOptions();
        using var scope = torch.NewDisposeScope();

        var (weights, dropped) = MapKeys(checkpoint, options.KeyMap);
        var adapted = Adapt(model, weights, options.Adapter);
        var state = model.state_dict();
        if (weights.Count > 0 && !weights.Keys.Any(state.ContainsKey))
        {
            throw new ArgumentException(
                $"None of the checkpoint's {weights.Count} keys (e.g. '{weights.Keys.First()}') is a key of the model (e.g. '{state.Keys.FirstOrDefault()}'); " +
                "does the checkpoint need a KeyMap (such as the model's ModelInfo.PretrainedKeyMap)?", nameof(checkpoint));
        }

        var skipped = new List<string>();
        if (options.SkipMismatchedClassifier)
        {
            var classifierPrefixes = model.named_modules()
                .Where(m => m.module is ClsHead)
                .SelectMany(m => ((ClsHead)m.module).classifier_keys.Select(k => (m.name.Length == 0 ? k : m.name + "." + k) + "."))
                .ToList();
            foreach (var (key, current) in state)
            {
                if (weights.TryGetValue(key, out var value) && !current.shape.SequenceEqual(value.shape) && classifierPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal)))
                {
                    options.Log?.Invoke($"Skipped classifier weight {key}: checkpoint shape {Shape(value)}, model shape {Shape(current)}; it keeps its initial values.");
                    skipped.Add(key);
                    // Loading the model's own value keeps it unchanged and keeps strict mode from calling the key missing.
                    weights[key] = current;
                }
            }
        }

        var incompatible = model.load_state_dict(weights, options.Strict);
        if (incompatible.missing_keys.Count > 0)
        {
            options.Log?.Invoke($"Missing key(s), left at their initial values: {string.Join(", ", incompatible.missing_keys)}");
        }
        if (incompatible.unexpected_keys.Count > 0)
        {
            options.Log?.Invoke($"Unexpected key(s), ignored: {string.Join(", ", incompatible.unexpected_keys)}");
        }
        var loaded = weights.Keys.Where(k => state.ContainsKey(k) && !skipped.Contains(k)).ToList();
        return new WeightLoadResult(loaded, incompatible.missing_keys, incompatible.unexpected_keys, skipped, adapted, dropped);
    }

    /// <summary>
    /// Reads the state dict at <paramref name="path"/>: a weights file, or a folder holding a sharded index or
    /// <c>model.safetensors</c>. Every weight-loading path of Vision reads files through here.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is nothing to read at <paramref name="path"/>.</exception>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (File.Exists(path))
        {
            return SafeTensors.Load(path);
        }
        if (Directory.Exists(path))
        {
            if (File.Exists(Path.Combine(path, ShardedSafeTensors.IndexFileName)))
            {
                return SafeTensors.LoadSharded(path);
            }
            var single = Path.Combine(path, "model.safetensors");
            return File.Exists(single)
                ? SafeTensors.Load(single)
                : throw new FileNotFoundException($"The directory '{path}' has neither {ShardedSafeTensors.IndexFileName} nor model.safetensors.", path);
        }
        throw new FileNotFoundException($"No checkpoint file or directory at '{path}'.", path);
    }

    private static (Dictionary<string, Tensor> Weights, List<string> Dropped) MapKeys(IReadOnlyDictionary<string, Tensor> checkpoint, Func<string, string?>? keyMap)
    {
        var weights = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        var dropped = new List<string>();
        var clashes = new List<string>();
        foreach (var (key, value) in checkpoint)
        {
            var target = keyMap is null ? key : keyMap(key);
            if (target is null)
            {
                dropped.Add(key);
            }
            else if (sources.TryGetValue(target, out var first))
            {
                clashes.Add($"'{first}' and '{key}' both map to '{target}'");
            }
            else
            {
                sources[target] = key;
                weights[target] = value;
            }
        }
        return clashes.Count > 0
            ? throw new ArgumentException("The key map sends several checkpoint keys to one model key: " + string.Join("; ", clashes) + ".", nameof(keyMap))
            : (weights, dropped);
    }

    // The caller's adapter sees every key first (checkpoint-format fixes), then each adapting module the keys under it.
    private static List<string> Adapt(Module model, Dictionary<string, Tensor> weights, Func<string, Tensor, Tensor?>? adapter)
    {
        var adapted = new List<string>();
        void Replace(string key, Tensor? replacement)
        {
            if (replacement is not null)
            {
                weights[key] = replacement;
                adapted.Add(key);
            }
        }
        if (adapter is not null)
        {
            foreach (var (key, value) in weights.ToList())
            {
                Replace(key, adapter(key, value));
            }
        }
        foreach (var (name, module) in model.named_modules())
        {
            if (module is not IAdaptsPretrainedWeights adapting)
            {
                continue;
            }
            var prefix = name.Length == 0 ? "" : name + ".";
            foreach (var (key, value) in weights.Where(w => w.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList())
            {
                Replace(key, adapting.AdaptPretrainedWeight(key[prefix.Length..], value));
            }
        }
        return adapted.Distinct().ToList();
    }

    private static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
