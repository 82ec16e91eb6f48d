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

    /// <summary>Sets the mode as <see cref="Module.train"/> does, but keeps the frozen stages in evaluation mode, so their
    /// BatchNorm statistics stay fixed and their dropout and stochastic depth stay off (MMPreTrain's <c>_freeze_stages</c>).</summary>
    public override Module train(bool mode = true)
    {
        base.train(mode);
        foreach (var module in FrozenModules())
        {
            module.eval();
        }
        return this;
    }

    /// <summary>The modules of the stem and of stages 0 … <see cref="frozen_stages"/> - 1; none when nothing is frozen.</summary>
    protected abstract IEnumerable<Module> FrozenModules();

    /// <summary>Parameters held outside <see cref="FrozenModules"/> that freeze with them (ViT's class token and position embedding).</summary>
    protected virtual IEnumerable<Tensor> FrozenParameters() => [];

    /// <summary>Stops gradients to the frozen stages and puts them in evaluation mode; call it at the end of the constructor, once the stages exist.</summary>
    protected void FreezeStages()
    {
        foreach (var module in FrozenModules())
        {
            module.requires_grad_(false);
        }
        foreach (var parameter in FrozenParameters())
        {
            parameter.requires_grad = false;
        }
        train(training);
    }
}
