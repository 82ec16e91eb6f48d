using Vision.nn;

namespace Vision.Serialization;

/// <summary>
/// Saves and loads a module's <see cref="Module.state_dict"/> as a safetensors file, the format Hugging Face and
/// timm publish weights in (a PyTorch model exports one with <c>safetensors.torch.save_file(model.state_dict(), path)</c>).
/// </summary>
public static class ModuleSerialization
{
    /// <summary>Writes the module's state dict to <paramref name="path"/> atomically (parameters and persistent buffers).</summary>
    public static void save(this Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var state = module.state_dict();
        try
        {
            SafeTensors.Save(state, path, metadata);
        }
        finally
        {
            foreach (var tensor in state.Values)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>
    /// Loads a state dict file into the module in place: a safetensors file written by <see cref="save"/> (or by Python), or
    /// a <c>torch.save(model.state_dict(), path)</c> checkpoint (recognised by content, see <see cref="StateDictFile"/>). Strict loading
    /// throws on missing or unexpected keys; shape mismatches always throw; on any error the module is unchanged.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is damaged or in no format Vision reads (the message names the file).</exception>
    /// <exception cref="ArgumentException">The keys or shapes do not fit the module (every problem is listed).</exception>
    public static IncompatibleKeys load(this Module module, string path, bool strict = true)
    {
        var state = StateDictFile.Load(path);
        try
        {
            return module.load_state_dict(state, strict);
        }
        finally
        {
            foreach (var tensor in state.Values)
            {
                tensor.Dispose();
            }
        }
    }
}
