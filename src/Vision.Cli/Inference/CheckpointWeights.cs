using Vision.Engine.Checkpoints;
using Vision.Engine.Hooks;
using Vision.Models.Weights;
using Vision.nn;
using Vision.Serialization;

namespace Vision.Cli.Inference;

/// <summary>
/// Loads trained weights into a freshly built model from whatever a user is likely to point at: a trainer checkpoint
/// folder (<c>epoch_3/</c>), a checkpoint root or work dir (its latest checkpoint), a trainer's
/// <c>tensors.safetensors</c>, a state dict saved with <c>module.save</c>, or a PyTorch or safetensors checkpoint of a
/// known layout (torchvision, timm, MMPreTrain, official CAS-ViT; see <see cref="CheckpointLayouts"/>). Loading is strict and never skips a classifier of another shape: for inference every
/// weight must come from the file, or the predictions would be silently random.
/// </summary>
public static class CheckpointWeights
{
    /// <summary>Loads the weights at <paramref name="path"/> into <paramref name="model"/> and says where they came from.</summary>
    /// <param name="model">The model, built for the checkpoint's architecture and class count.</param>
    /// <param name="path">A checkpoint folder, checkpoint root, work dir, safetensors file or Hugging Face-style folder.</param>
    /// <param name="useEma">Load the EMA hook's averaged weights (<c>ema.*</c>) of a trainer checkpoint instead of <c>model.*</c>.</param>
    /// <param name="pretrainedKeyMap">The architecture's map from reference checkpoints' keys, used when the file's keys are neither the model's nor a known layout.</param>
    /// <returns>The file or folder the weights were read from.</returns>
    /// <exception cref="FileNotFoundException">Nothing to load at <paramref name="path"/>.</exception>
    /// <exception cref="ArgumentException">The weights do not fit the model (the message lists every mismatch), or <paramref name="useEma"/> finds no EMA weights.</exception>
    public static string Load(Module model, string path, bool useEma, Func<string, string?>? pretrainedKeyMap)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var source = Locate(path);
        Func<string, string?>? keyMap = null;
        if (File.Exists(source))
        {
            keyMap = ChooseKeyMap(source, ModelKeys(model), useEma);
        }
        else if (useEma)
        {
            throw new ArgumentException($"--ema needs a trainer checkpoint (with ema.* tensors); {path} is not one.");
        }
        WeightLoader.Load(model, source, WeightLoadPolicy.Strict, keyMap, fallbackKeyMap: pretrainedKeyMap);
        return source;
    }

    // The safetensors file (or Hugging Face-style folder) that holds the weights.
    private static string Locate(string path)
    {
        if (File.Exists(path))
        {
            return path;
        }
        if (!Directory.Exists(path))
        {
            throw new FileNotFoundException($"The checkpoint {path} does not exist (expected a checkpoint folder or a .safetensors file).", path);
        }
        var tensors = Path.Combine(path, FileCheckpointStore.TensorsFile);
        if (File.Exists(tensors))
        {
            return tensors;
        }
        // A checkpoint root (holding "latest" and checkpoint folders), or a work dir holding one under checkpoints/.
        foreach (var root in new[] { path, Path.Combine(path, "checkpoints") })
        {
            if (Directory.Exists(root) && new FileCheckpointStore(root).FindLatest() is { } latest)
            {
                return Path.Combine(latest, FileCheckpointStore.TensorsFile);
            }
        }
        return path;
    }

    private static HashSet<string> ModelKeys(Module model)
    {
        using var scope = torch.NewDisposeScope();
        return model.state_dict().Keys.ToHashSet(StringComparer.Ordinal);
    }

    private static Func<string, string?>? ChooseKeyMap(string file, HashSet<string> modelKeys, bool useEma)
    {
        var keys = StateDictFile.ReadKeys(file);
        var prefix = useEma ? EMAHook.TensorPrefix : Checkpoint.ModelPrefix;
        var matchesModel = keys.Any(modelKeys.Contains);
        // A trainer checkpoint keeps the model under "model." next to optimizer and hook tensors: load that part only.
        if (!matchesModel && keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal)))
        {
            return key => key.StartsWith(prefix, StringComparison.Ordinal) ? key[prefix.Length..] : null;
        }
        if (useEma)
        {
            throw new ArgumentException($"--ema: {file} holds no EMA weights ({EMAHook.TensorPrefix}* tensors); was the model trained with the EMA hook?");
        }
        // Null lets the loader keep matching keys, or map a known layout (torchvision, timm, MMPreTrain, CAS-ViT), or fall back to the architecture's map.
        return null;
    }
}
