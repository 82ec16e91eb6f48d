using Vision.nn;

namespace Vision.Engine.Tests.Inference;

/// <summary>
/// A classifier small enough to compute by hand: optional 3×3 convolution (so pixels beyond the mean matter),
/// global average pooling, dropout (which would make training-mode outputs random) and a linear head.
/// It records the mode of every forward pass.
/// </summary>
internal sealed class TinyClassifier : Module<Tensor, Tensor>
{
    private readonly Conv2d? conv;
    private readonly Dropout dropout;

    public TinyClassifier(int classes, bool convolve, ulong seed = 1)
    {
        using var generator = new Generator(seed);
        if (convolve)
        {
            conv = register_module("conv", new Conv2d(3, 3, 3, padding: 1));
            conv.reset_parameters(generator);
        }
        dropout = register_module("dropout", new Dropout(0.5));
        Head = register_module("head", new Linear(3, classes));
        Head.reset_parameters(generator);
    }

    public Linear Head { get; }

    public List<(bool Training, bool InferenceMode)> Calls { get; } = [];

    /// <summary>Sets the head to logits = weight · x + bias.</summary>
    public void SetHead(float[] weight, float[] bias)
    {
        using var noGrad = torch.no_grad();
        using var w = torch.tensor(weight, Head.weight.shape);
        using var b = torch.tensor(bias, bias.Length);
        Head.weight.copy_(w);
        Head.bias!.copy_(b);
    }

    public override Tensor forward(Tensor input)
    {
        Calls.Add((training, torch.is_inference_mode_enabled()));
        var x = conv is null ? input : conv.forward(input).relu();
        return Head.forward(dropout.forward(x.mean([2, 3])));
    }
}
