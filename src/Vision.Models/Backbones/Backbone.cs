using Vision.nn;

namespace Vision.Models.Backbones;

/// <summary>
/// A feature extractor (MMPreTrain's BaseBackbone): images (N, 3, H, W) in, one feature tensor per entry of
/// <see cref="out_indices"/> out (stage outputs for CNNs, e.g. (N, C, H/32, W/32); class-token features (N, D)
/// for ViT), so classification, detection or segmentation heads can pick what they need.
/// Stages up to <see cref="frozen_stages"/> are kept in eval mode without gradients.
/// </summary>
public abstract class Backbone : Module<Tensor, Tensor[]>
{
    /// <summary>Sets the outputs and frozen stages, validating them against <paramref name="num_stages"/>.</summary>
    /// <param name="num_stages">How many stages the architecture has.</param>
    /// <param name="out_indices">Which stages' outputs to return (negative values count from the end).</param>
    /// <param name="frozen_stages">Stages 0..frozen_stages-1 (and the stem) are frozen; -1 freezes nothing.</param>
    protected Backbone(int num_stages, IReadOnlyList<int> out_indices, int frozen_stages)
    {
        if (out_indices.Count == 0)
        {
            throw new ArgumentException("out_indices must name at least one stage.", nameof(out_indices));
        }
        this.out_indices = out_indices.Select(i =>
        {
            var index = i < 0 ? num_stages + i : i;
            return index >= 0 && index < num_stages
                ? index
                : throw new ArgumentOutOfRangeException(nameof(out_indices), i, $"out_indices entries must be in [-{num_stages}, {num_stages - 1}].");
        }).ToArray();
        if (frozen_stages < -1 || frozen_stages > num_stages)
        {
            throw new ArgumentOutOfRangeException(nameof(frozen_stages), frozen_stages, $"frozen_stages must be in [-1, {num_stages}].");
        }
        this.frozen_stages = frozen_stages;
    }

    /// <summary>The stages whose outputs <see cref="Module{TIn, TOut}.forward"/> returns, in order (non-negative).</summary>
    public IReadOnlyList<int> out_indices { get; }

    /// <summary>Number of leading stages kept frozen (-1 = none).</summary>
    public int frozen_stages { get; }

    /// <summary>The channel (or embedding) width of each returned feature, in <see cref="out_indices"/> order.</summary>
    public abstract IReadOnlyList<long> out_channels { get; }
}
