using Vision.Models.Heads;
using Vision.nn;
using Vision.Serialization;

namespace Vision.Models.Weights;

/// <summary>
/// Loads pretrained weights from a PyTorch checkpoint (<c>.pth</c>/<c>.pt</c>/<c>.bin</c>, <c>torch.save</c>'s zip
/// format) or safetensors into a model: key mapping (chosen from the checkpoint's keys among
/// <see cref="CheckpointLayouts"/>, or given), adaptation (e.g. position-embedding resizing through
/// <see cref="IAdaptsPretrainedWeights"/>), skipping a classifier of another class count, and a report of what did
/// not match.
/// </summary>
/// <remarks>
/// A torchvision, timm, MMPreTrain or official CAS-ViT checkpoint loads as published:
/// <code>
/// var model = ModelRegistry.Create("vit-base-p32", num_classes: 3);
/// PretrainedWeights.Load(model, "vit-base-p32_in21k-pre-3rdparty_ft-in1k-384.pth", new() { Log = Console.WriteLine });
/// </code>
/// The file's format is recognised by content, whatever its extension; pickled globals other than tensors and plain
/// containers are refused, as by <c>torch.load(weights_only=True)</c>.
/// </remarks>
public static class PretrainedWeights
{
    /// <summary>
    /// Loads the checkpoint file <paramref name="path"/> (PyTorch zip or safetensors, by content), or a directory holding
    /// a sharded checkpoint (<c>model.safetensors.index.json</c>) or a <c>model.safetensors</c>, into <paramref name="model"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no checkpoint at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is damaged, refused (a pickled global that is not weights) or in no format Vision reads.</exception>
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
    /// <paramref name="model"/>: maps keys (<see cref="WeightLoadOptions.KeyMap"/> or <see cref="WeightLoadOptions.KeyMapName"/>
    /// if given; otherwise none when a key is already the model's, else the detected <see cref="CheckpointLayout"/>,
    /// else <see cref="WeightLoadOptions.FallbackKeyMap"/>), lets <see cref="WeightLoadOptions.Adapter"/> and then every module that
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

        var state = model.state_dict();
        var (keyMap, layout) = ChooseKeyMap(checkpoint.Keys, state.Keys.ToHashSet(StringComparer.Ordinal), options);
        if (layout is not null)
        {
            options.Log?.Invoke($"Checkpoint key layout: {layout.Name} ({layout.Description}).");
        }
        var (weights, dropped) = MapKeys(checkpoint, keyMap);
        var adapted = Adapt(model, weights, options.Adapter);
        if (weights.Count > 0 && !weights.Keys.Any(state.ContainsKey))
        {
            throw new ArgumentException(
                $"None of the checkpoint's {weights.Count} keys (e.g. '{weights.Keys.First()}') is a key of the model (e.g. '{state.Keys.FirstOrDefault()}'); " +
                $"the key layout is none of {string.Join(", ", CheckpointLayouts.All.Select(l => l.Name))}; does the checkpoint need a KeyMap?", nameof(checkpoint));
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
        return new WeightLoadResult(loaded, incompatible.missing_keys, incompatible.unexpected_keys, skipped, adapted, dropped) { Layout = layout?.Name };
    }

    /// <summary>
    /// The model overrides a checkpoint file implies, so the model can be built to match it before loading (e.g.
    /// <c>distillation=true</c> for an official CAS-ViT checkpoint with <c>dist_head.*</c>): empty for directories and
    /// layouts that imply nothing. Reads only the keys.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is damaged, refused or in no format Vision reads.</exception>
    public static IReadOnlyDictionary<string, string> ImpliedOverrides(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            return new Dictionary<string, string>();
        }
        var keys = StateDictFile.ReadKeys(path).ToHashSet(StringComparer.Ordinal);
        return CheckpointLayouts.Detect(keys) is { } layout ? layout.ImpliedOverrides(keys) : new Dictionary<string, string>();
    }

    /// <summary>
    /// The checkpoint's tensors under the model's key names, as <see cref="Load(Module, IReadOnlyDictionary{string, Tensor}, WeightLoadOptions?)"/>
    /// maps them (<see cref="WeightLoadOptions.KeyMap"/>, <see cref="WeightLoadOptions.KeyMapName"/>, a detected layout, or
    /// <see cref="WeightLoadOptions.FallbackKeyMap"/>), with the keys the map dropped and the layout's name if one was used.
    /// </summary>
    /// <exception cref="ArgumentException">The map sends several checkpoint keys to one model key.</exception>
    public static (Dictionary<string, Tensor> Weights, IReadOnlyList<string> Dropped, string? Layout) ToModelKeys(
        Module model, IReadOnlyDictionary<string, Tensor> checkpoint, WeightLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(checkpoint);
        HashSet<string> modelKeys;
        using (torch.NewDisposeScope())
        {
            modelKeys = model.state_dict().Keys.ToHashSet(StringComparer.Ordinal);
        }
        var (keyMap, layout) = ChooseKeyMap(checkpoint.Keys, modelKeys, options ?? new WeightLoadOptions());
        var (weights, dropped) = MapKeys(checkpoint, keyMap);
        return (weights, dropped, layout?.Name);
    }

    private static (Func<string, string?>? Map, CheckpointLayout? Layout) ChooseKeyMap(IEnumerable<string> keys, IReadOnlySet<string> state, WeightLoadOptions options)
    {
        if (options.KeyMap is not null)
        {
            return (options.KeyMap, null);
        }
        if (options.KeyMapName is { } name)
        {
            var named = CheckpointLayouts.Get(name);
            return (named.KeyMap, named);
        }
        // A layout can share some keys with the model (MMPreTrain's ViT has backbone.cls_token, head.layers.head.*),
        // so it is used when its names fit the model better than the keys as they are.
        var keyList = keys.ToList();
        var asIs = keyList.Count(state.Contains);
        if (CheckpointLayouts.Detect(keyList) is { } layout && keyList.Count(k => layout.KeyMap(k) is { } mapped && state.Contains(mapped)) > asIs)
        {
            return (layout.KeyMap, layout);
        }
        return asIs > 0 ? (null, null) : (options.FallbackKeyMap, null);
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
            return StateDictFile.Load(path);
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
