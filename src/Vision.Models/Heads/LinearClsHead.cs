using Vision.nn;

namespace Vision.Models.Heads;

/// <summary>
/// MMPreTrain's LinearClsHead: one fully connected layer <c>fc</c> from the last (pooled) feature (N, in_channels)
/// to logits (N, num_classes), optionally after dropout (timm's <c>drop_rate</c> before the classifier).
/// Initialised as MMPreTrain: weight N(0, 0.01²), bias zero.
/// </summary>
public sealed class LinearClsHead : ClsHead
{
    private readonly Dropout? dropout;
    private readonly Linear fc;

    /// <summary>Creates the head.</summary>
    /// <param name="num_classes">Number of classes.</param>
    /// <param name="in_channels">Width of the incoming feature.</param>
    /// <param name="drop_rate">Dropout probability applied to the feature in training (0: none).</param>
    public LinearClsHead(long num_classes, long in_channels, double drop_rate = 0) : base(num_classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(in_channels);
        this.in_channels = in_channels;
        dropout = drop_rate > 0 ? register_module("dropout", new Dropout(drop_rate)) : null;
        fc = register_module("fc", new Linear(in_channels, num_classes));
        init.normal_(fc.weight, 0, 0.01);
        init.zeros_(fc.bias!);
    }

    /// <summary>Width of the incoming feature.</summary>
    public long in_channels { get; }

    /// <inheritdoc />
    public override IReadOnlyList<string> classifier_keys { get; } = ["fc"];

    /// <inheritdoc />
    public override Tensor forward(Tensor[] input)
    {
        var feature = LastFeature(input, in_channels);
        if (dropout is null)
        {
            return fc.forward(feature);
        }
        using var dropped = dropout.forward(feature);
        return fc.forward(dropped);
    }

    /// <summary>The last feature of <paramref name="input"/>, checked to be (N, <paramref name="width"/>).</summary>
    internal static Tensor LastFeature(Tensor[] input, long width)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Length == 0)
        {
            throw new ArgumentException("A classification head needs at least one feature.", nameof(input));
        }
        var x = input[^1];
        return x.dim() == 2 && x.size(1) == width
            ? x
            : throw new ArgumentException($"The head expects a pooled feature of shape (N, {width}), got [{string.Join(", ", x.shape)}]; put a neck such as GlobalAveragePooling before it.", nameof(input));
    }
}
