using System.Globalization;
using System.Text.Json;
using Vision.Models.Segmentation.Sam;
using Vision.TestUtilities;

namespace Vision.Tests.Reference;

/// <summary>
/// Segment Anything against benchmarks/pytorch/sam.py, an independent PyTorch transcription of the official model:
/// a small configuration that still has windowed (with padding) and global blocks, the Python prelude that builds
/// the same configuration and loads Vision's weights, and the weights as reference inputs.
/// </summary>
public static class SamReference
{
    /// <summary>
    /// 128-pixel input (an 8×8 embedding), width 32, 4 blocks of which 1 and 3 are global, 3-token windows (so the
    /// 8×8 grid is padded to 9×9), a 32-wide prompt/decoder path: every part of the official design, in milliseconds.
    /// </summary>
    public static SamConfig Tiny { get; } = new()
    {
        ImageSize = 128, EncoderEmbedDim = 32, EncoderDepth = 4, EncoderNumHeads = 2, GlobalAttentionIndexes = [1, 3], WindowSize = 3,
        PromptEmbedDim = 32, MaskInChans = 8, DecoderMlpDim = 64, DecoderNumHeads = 2, IouHeadHiddenDim = 32,
    };

    /// <summary>Python that imports <c>sam</c> and binds <c>model</c>: <paramref name="config"/> with the state dict found among <c>inp</c> under <c>w.</c>.</summary>
    public static string Prelude(SamConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var c = CultureInfo.InvariantCulture;
        var cfg = string.Create(c,
            $"dict(image_size={config.ImageSize}, patch={config.PatchSize}, window={config.WindowSize}, mlp_ratio={config.MlpRatio}, prompt_dim={config.PromptEmbedDim}, " +
            $"mask_in={config.MaskInChans}, dec_depth={config.DecoderDepth}, dec_mlp={config.DecoderMlpDim}, dec_heads={config.DecoderNumHeads}, multimask={config.NumMultimaskOutputs}, " +
            $"iou_depth={config.IouHeadDepth}, iou_hidden={config.IouHeadHiddenDim}, dim={config.EncoderEmbedDim}, depth={config.EncoderDepth}, heads={config.EncoderNumHeads}, " +
            $"global_idx=({string.Join(", ", config.GlobalAttentionIndexes)},))");
        return $$"""
            import os
            sys.path.insert(0, os.path.join({{JsonSerializer.Serialize(RepositoryPaths.Root)}}, "benchmarks", "pytorch"))
            import sam
            model = sam.build({{cfg}})
            model.load_state_dict({k[2:]: v for k, v in inp.items() if k.startswith("w.")}, strict=True)

            """;
    }

    /// <summary>The model's state dict as reference inputs, keyed <c>w.</c> + official key.</summary>
    public static Dictionary<string, Tensor> Weights(Sam model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.state_dict().ToDictionary(p => "w." + p.Key, p => p.Value);
    }

    /// <summary>Moves every weight off its initial value (zero-initialised tables and unit norms included), seeded.</summary>
    public static void Randomize(Sam model, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var noGrad = torch.no_grad();
        using var generator = new Generator(seed);
        foreach (var (_, tensor) in model.named_parameters())
        {
            using var noise = torch.randn(tensor.shape, torch.float32, generator: generator);
            tensor.add_(noise.mul_(0.1));
        }
    }
}
