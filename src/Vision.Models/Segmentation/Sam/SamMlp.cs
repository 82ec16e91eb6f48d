using Vision.nn;

namespace Vision.Models.Segmentation.Sam;

/// <summary>
/// The mask decoder's plain MLP (<c>layers.0 … layers.{n−1}</c>, ReLU between layers, none after the last): the
/// hypernetworks that turn mask tokens into per-mask weights and the IoU prediction head.
/// </summary>
public sealed class SamMlp : Module<Tensor, Tensor>
{
    /// <summary>An MLP <paramref name="input_dim"/> → <paramref name="hidden_dim"/> × (<paramref name="num_layers"/> − 1) → <paramref name="output_dim"/>.</summary>
    public SamMlp(long input_dim, long hidden_dim, long output_dim, long num_layers)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(num_layers);
        var widths = new List<long> { input_dim };
        widths.AddRange(Enumerable.Repeat(hidden_dim, (int)num_layers - 1));
        widths.Add(output_dim);
        layers = register_module("layers", new ModuleList<Linear>(widths.Zip(widths.Skip(1)).Select(w => new Linear(w.First, w.Second))));
    }

    /// <summary>The linear layers.</summary>
    public ModuleList<Linear> layers { get; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = input;
        for (var i = 0; i < layers.Count; i++)
        {
            x = layers[i].forward(x);
            if (i < layers.Count - 1)
            {
                x = x.relu();
            }
        }
        return x.MoveToOuterDisposeScope();
    }
}
