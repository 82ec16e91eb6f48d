using Vision.nn;

namespace Vision.Models.Heads;

/// <summary>
/// A classification head (MMPreTrain's ClsHead): takes the neck's (or backbone's) features and returns logits
/// (N, num_classes). Heads use the last feature of the list unless they say otherwise.
/// </summary>
public abstract class ClsHead : Module<Tensor[], Tensor>
{
    /// <summary>Sets the class count.</summary>
    protected ClsHead(long num_classes)
    {
        if (num_classes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(num_classes), num_classes, "num_classes must be positive.");
        }
        this.num_classes = num_classes;
    }

    /// <summary>Number of classes the head predicts.</summary>
    public long num_classes { get; }

    /// <summary>The state_dict key prefixes of the final classifier layer(s), which a fine-tune load may skip when the class count differs.</summary>
    public abstract IReadOnlyList<string> classifier_keys { get; }
}
