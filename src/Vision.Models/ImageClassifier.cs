using Vision.Models.Backbones;
using Vision.Models.Heads;
using Vision.Models.Losses;
using Vision.nn;

namespace Vision.Models;

/// <summary>
/// MMPreTrain's ImageClassifier: <c>backbone</c> → optional <c>neck</c> → <c>head</c>, with a loss for training.
/// Its state dict is the children's under the prefixes <c>backbone.</c>, <c>neck.</c> and <c>head.</c> (the loss
/// holds none), as MMPreTrain checkpoints are laid out.
/// </summary>
public sealed class ImageClassifier : Module<Tensor, Tensor>
{
    /// <summary>Composes a classifier.</summary>
    /// <param name="backbone">The feature extractor.</param>
    /// <param name="neck">What turns the backbone's features into the head's input (e.g. <see cref="Necks.GlobalAveragePooling"/>), or null.</param>
    /// <param name="head">The classification head.</param>
    /// <param name="loss">The training loss; <see cref="CrossEntropyLoss"/> when null.</param>
    public ImageClassifier(Backbone backbone, Module<Tensor[], Tensor[]>? neck, ClsHead head, ClsLoss? loss = null)
    {
        this.backbone = register_module("backbone", backbone);
        this.neck = neck is null ? null : register_module("neck", neck);
        this.head = register_module("head", head);
        loss_module = register_module("loss_module", loss ?? new CrossEntropyLoss());
    }

    /// <summary>The feature extractor.</summary>
    public Backbone backbone { get; }

    /// <summary>The neck, or null.</summary>
    public Module<Tensor[], Tensor[]>? neck { get; }

    /// <summary>The classification head.</summary>
    public ClsHead head { get; }

    /// <summary>The loss used by <see cref="loss"/>.</summary>
    public ClsLoss loss_module { get; }

    /// <summary>Number of classes the head predicts.</summary>
    public long num_classes => head.num_classes;

    /// <summary>How the model is rebuilt and how its inputs are prepared (timm's <c>pretrained_cfg</c>), when known.</summary>
    public ModelMetadata? pretrained_cfg { get; set; }

    /// <summary>The neck's output (the backbone's when there is no neck) for images (N, C, H, W).</summary>
    public Tensor[] extract_feat(Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        // A module may hand back the same tensor twice: move each distinct one out once.
        return Features(images).Select(f => seen.Add(f) ? f.MoveToOuterDisposeScope() : f).ToArray();
    }

    /// <summary>Logits (N, num_classes) for images (N, C, H, W).</summary>
    public override Tensor forward(Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        return head.forward(Features(images)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The training loss for <paramref name="images"/> against <paramref name="targets"/> (int64 class indices (N) or
    /// probabilities (N, num_classes)); a scalar in the caller's dispose scope.
    /// </summary>
    public Tensor loss(Tensor images, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        using var scope = torch.NewDisposeScope();
        var logits = forward(images);
        return loss_module.forward(logits, targets).MoveToOuterDisposeScope();
    }

    private Tensor[] Features(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var features = backbone.forward(images);
        return neck is null ? features : neck.forward(features);
    }
}
