using Vision.Models.Heads;
using Vision.Models.Registry;
using Vision.Models.Weights;
using Vision.Models.Backbones.AdditiveAttention;
using Vision.nn;

namespace Vision.Models.Backbones;

/// <summary>
/// CAS-ViT (Zhang et al., "Convolutional Additive Self-attention Vision Transformers for Efficient Mobile
/// Applications", the official RCViT), a four-stage hybrid whose blocks mix tokens with the linear-cost
/// <see cref="AdditiveTokenMixer"/>. Stem of stride 4 (<c>patch_embed</c>: conv3x3 s2, BN, ReLU, conv3x3 s2, BN, ReLU),
/// then <c>network</c>: stages of <see cref="AdditiveBlock"/>s at indices 0, 2, 4, 6 with <see cref="StageEmbedding"/>
/// downsamplers at 1, 3, 5, so features come at 1/4, 1/8, 1/16 and 1/32 of the input. Every norm is BatchNorm.
/// </summary>
/// <remarks>
/// Key names are the official ones: the backbone mounted at the root of a state dict holds exactly the official
/// <c>patch_embed.*</c> and <c>network.*</c> entries, and <see cref="Heads.CasViTHead"/> the <c>norm</c>, <c>head</c>
/// and <c>dist_head</c> ones (see <see cref="OfficialKeyMap"/>). Stage i of <see cref="Backbone.out_indices"/> and
/// <see cref="Backbone.frozen_stages"/> is its blocks together with the downsampler that leads into it; freezing any
/// stage also freezes the stem.
/// </remarks>
public sealed class CasViT : Backbone, IModelFamily
{
    private static readonly Dictionary<string, (int[] Depths, long[] Widths)> Archs = new()
    {
        ["xs"] = ([2, 2, 4, 2], [48, 56, 112, 220]),
        ["s"] = ([3, 3, 6, 3], [48, 64, 128, 256]),
        ["m"] = ([3, 3, 6, 3], [64, 96, 192, 384]),
        ["t"] = ([3, 3, 6, 3], [96, 128, 256, 512]),
    };

    private readonly long[] widths;

    /// <summary>Creates a CAS-ViT with explicit stage sizes (see <see cref="Create"/> for the published ones).</summary>
    /// <param name="depths">Blocks per stage (four stages).</param>
    /// <param name="widths">Channels per stage; the first must be even (the stem's first conv has half of it).</param>
    /// <param name="mlp_ratio">MLP hidden width as a multiple of the stage width.</param>
    /// <param name="drop_rate">Dropout in the token mixers' outputs and the MLPs.</param>
    /// <param name="drop_path_rate">Stochastic depth of the last block; block i (counted over all stages) gets rate · i / (blocks − 1).</param>
    /// <param name="out_indices">Stages whose outputs to return (default: the last).</param>
    /// <param name="frozen_stages">Stages to freeze, with the stem (-1: none).</param>
    /// <param name="in_channels">Image channels.</param>
    /// <exception cref="ArgumentException">The stage lists do not describe four non-empty stages.</exception>
    public CasViT(IReadOnlyList<int> depths, IReadOnlyList<long> widths, double mlp_ratio = 4, double drop_rate = 0, double drop_path_rate = 0.1,
        IReadOnlyList<int>? out_indices = null, int frozen_stages = -1, long in_channels = 3)
        : base(CheckStages(depths, widths), out_indices ?? [-1], frozen_stages)
    {
        this.widths = [.. widths];
        var stem = widths[0] / 2;
        patch_embed = register_module("patch_embed", new Sequential(
            new Conv2d(in_channels, stem, 3, stride: 2, padding: 1),
            new BatchNorm2d(stem),
            new ReLU(),
            new Conv2d(stem, widths[0], 3, stride: 2, padding: 1),
            new BatchNorm2d(widths[0]),
            new ReLU()));
        var rates = DropPathSchedule.Linear(drop_path_rate, depths.Sum());
        network = register_module("network", new ModuleList<Module<Tensor, Tensor>>());
        var first = 0;
        for (var i = 0; i < depths.Count; i++)
        {
            if (i > 0)
            {
                network.append(new StageEmbedding(widths[i - 1], widths[i]));
            }
            var width = widths[i];
            network.append(new Sequential(rates[first..(first + depths[i])].Select(rate => new AdditiveBlock(width, mlp_ratio, drop_rate, rate))));
            first += depths[i];
        }
        FreezeStages();
    }

    // Checked before the base constructor, which validates out_indices against the stage count.
    private static int CheckStages(IReadOnlyList<int> depths, IReadOnlyList<long> widths)
    {
        if (depths.Count != 4 || widths.Count != 4 || depths.Any(d => d <= 0) || widths.Any(w => w <= 0) || widths[0] % 2 != 0)
        {
            throw new ArgumentException(
                $"CAS-ViT needs four stages with positive depths and widths and an even first width, got depths [{string.Join(", ", depths)}] and widths [{string.Join(", ", widths)}].",
                nameof(depths));
        }
        return depths.Count;
    }

    /// <summary>
    /// Registers cas-vit-xs/s/m/t (aliases rcvit_xs…). Official checkpoints (weights under "model", converted to
    /// safetensors) load through <see cref="OfficialKeyMap"/>. Override "distillation" = true adds the dist_head.
    /// </summary>
    static void IModelFamily.RegisterModels()
    {
        foreach (var arch in new[] { "xs", "s", "m", "t" })
        {
            ModelRegistry.Register(new ModelInfo($"cas-vit-{arch}", options => Build(arch, options), $"CAS-ViT-{arch.ToUpperInvariant()} (official rcvit_{arch})")
            {
                Aliases = [$"rcvit_{arch}"],
                PretrainedKeyMap = key => OfficialKeyMap(key),
            });
        }
    }

    private static ImageClassifier Build(string arch, ModelOptions options)
    {
        var backbone = Create(arch, options.DropPathRate, options.DropRate, options.GetInts("out_indices"), (int)options.GetInt("frozen_stages", -1));
        return new ImageClassifier(backbone, null, new CasViTHead(options.NumClasses, backbone.out_channels[^1], options.GetBool("distillation", false)), options.Loss);
    }

    /// <summary>
    /// A published CAS-ViT: <paramref name="arch"/> "xs" (depths 2,2,4,2; widths 48,56,112,220), "s" (3,3,6,3;
    /// 48,64,128,256), "m" (3,3,6,3; 64,96,192,384) or "t" (3,3,6,3; 96,128,256,512) — the official rcvit_xs/s/m/t.
    /// </summary>
    /// <exception cref="ArgumentException">The arch is unknown.</exception>
    public static CasViT Create(string arch, double drop_path_rate = 0.1, double drop_rate = 0, IReadOnlyList<int>? out_indices = null, int frozen_stages = -1)
    {
        if (!Archs.TryGetValue(arch, out var a))
        {
            throw new ArgumentException($"Unknown CAS-ViT arch '{arch}'; expected one of {string.Join(", ", Archs.Keys)}.", nameof(arch));
        }
        return new CasViT(a.Depths, a.Widths, drop_rate: drop_rate, drop_path_rate: drop_path_rate, out_indices: out_indices, frozen_stages: frozen_stages);
    }

    /// <summary>
    /// The Vision key for a key of an official CAS-ViT classification checkpoint: <c>patch_embed.*</c> and
    /// <c>network.*</c> belong to the backbone, <c>norm.*</c>, <c>head.*</c> and <c>dist_head.*</c> to
    /// <see cref="Heads.CasViTHead"/>; each gets the prefix its module is mounted under in the classifier (MMPreTrain's
    /// "backbone." and "head." by default; empty prefixes give the official keys back).
    /// </summary>
    /// <exception cref="ArgumentException">The key belongs to neither part (e.g. the detection variant's extra norms).</exception>
    public static string OfficialKeyMap(string officialKey, string backbone_prefix = "backbone.", string head_prefix = "head.")
    {
        ArgumentNullException.ThrowIfNull(officialKey);
        if (officialKey.StartsWith("patch_embed.", StringComparison.Ordinal) || officialKey.StartsWith("network.", StringComparison.Ordinal))
        {
            return backbone_prefix + officialKey;
        }
        if (officialKey.StartsWith("norm.", StringComparison.Ordinal) || officialKey.StartsWith("head.", StringComparison.Ordinal)
            || officialKey.StartsWith("dist_head.", StringComparison.Ordinal))
        {
            return head_prefix + officialKey;
        }
        throw new ArgumentException(
            $"'{officialKey}' is not a key of an official CAS-ViT classifier (expected patch_embed.*, network.*, norm.*, head.* or dist_head.*).",
            nameof(officialKey));
    }

    /// <summary>The stem, stride 4.</summary>
    public Sequential patch_embed { get; }

    /// <summary>Stages (<see cref="Sequential"/>s of <see cref="AdditiveBlock"/>s) at even indices, downsamplers (<see cref="StageEmbedding"/>) at odd ones.</summary>
    public ModuleList<Module<Tensor, Tensor>> network { get; }

    /// <summary>The blocks of stage <paramref name="stage"/>.</summary>
    public Sequential Stage(int stage) => (Sequential)network[2 * stage];

    /// <inheritdoc />
    public override IReadOnlyList<long> out_channels => out_indices.Select(i => widths[i]).ToArray();

    /// <inheritdoc />
    public override Tensor[] forward(Tensor input)
    {
        if (input.dim() != 4)
        {
            throw new ArgumentException($"CasViT expects (N, C, H, W) images, got shape [{string.Join(", ", input.shape)}].", nameof(input));
        }
        using var scope = torch.NewDisposeScope();
        var x = patch_embed.forward(input);
        var outputs = new Tensor[out_indices.Count];
        // Stages after the last requested one cannot change the outputs, so they are not run.
        var last = out_indices.Max();
        for (var i = 0; i <= last; i++)
        {
            foreach (var module in StageModules(i))
            {
                x = module.forward(x);
            }
            for (var k = 0; k < outputs.Length; k++)
            {
                if (out_indices[k] == i)
                {
                    // A separate handle per requested entry, so a stage named twice can be moved out twice.
                    outputs[k] = x.alias();
                }
            }
        }
        return outputs.Select(o => o.MoveToOuterDisposeScope()).ToArray();
    }

    // The downsampler leading into stage i (none for the first) and its blocks.
    private IEnumerable<Module<Tensor, Tensor>> StageModules(int stage) =>
        stage == 0 ? [network[0]] : [network[2 * stage - 1], network[2 * stage]];

    /// <inheritdoc />
    protected override IEnumerable<Module> FrozenModules() =>
        frozen_stages < 0 ? [] : Enumerable.Range(0, frozen_stages).SelectMany(StageModules).Prepend(patch_embed);
}
