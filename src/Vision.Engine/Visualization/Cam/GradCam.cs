using Vision.Models;
using F = Vision.nn.functional;

namespace Vision.Engine.Visualization.Cam;

/// <summary>
/// Grad-CAM and Grad-CAM++ for an <see cref="ImageClassifier"/>, CNN or Vision Transformer: the activation A of a named
/// layer and the gradient g of the target class's logit with respect to it give channel weights w (the spatial mean of g
/// for Grad-CAM; <see cref="CamMethod.GradCamPlusPlus"/>'s weighting otherwise) and the map relu(Σ_k w_k A_k), as
/// pytorch-grad-cam computes them. Token layers skip the class token and fold the patch tokens onto the patch grid.
/// <code>
/// var cam = new GradCam(model, imageSize: 224);                 // backbone.layer4 for a ResNet at 224 px, blocks[-1].norm1 for a ViT
/// using var result = cam.Compute(images);                      // predicted classes; or Compute(images, [3, 3])
/// CamOverlay.Save(photo, result.Heatmaps[0], "cam.png", "cat 0.93");
/// </code>
/// The model is evaluated in eval mode and left in the mode it had; its parameters get no gradients.
/// </summary>
public sealed class GradCam
{
    private const double PlusPlusEpsilon = 1e-6;
    private const double NormalizeEpsilon = 1e-7;

    private readonly ClassifierSplit split;

    /// <summary>Prepares maps of <paramref name="targetLayer"/> (null: the architecture's default).</summary>
    /// <param name="model">The classifier.</param>
    /// <param name="targetLayer">The layer, by its name in the model (e.g. "backbone.layer4", "backbone.blocks.11.norm1"); null: <see cref="DefaultTargetLayer"/> at <paramref name="imageSize"/>.</param>
    /// <param name="method">Grad-CAM or Grad-CAM++.</param>
    /// <param name="imageSize">The image size the model is used at (checks the cut once at that size).</param>
    /// <param name="inChannels">The image channels.</param>
    /// <exception cref="ArgumentException">The model cannot be cut at the layer; the message lists the layers it can.</exception>
    public GradCam(ImageClassifier model, string? targetLayer = null, CamMethod method = CamMethod.GradCam, long imageSize = 224, long inChannels = 3)
    {
        ArgumentNullException.ThrowIfNull(model);
        split = ClassifierSplit.For(model, targetLayer, imageSize, inChannels);
        Method = method;
    }

    /// <summary>The layer the maps are made of.</summary>
    public string TargetLayer => split.Layer;

    /// <summary>The weighting.</summary>
    public CamMethod Method { get; }

    /// <summary>
    /// The target layer used when none is named: a ViT's last block's norm1; a CNN's deepest stage whose map at
    /// <paramref name="imageSize"/> is at least 7×7 (ResNet-18: layer4 at 224 px, layer3 at 112 px, layer1 at 28 px),
    /// or its stage with the largest map when none is.
    /// </summary>
    public static string DefaultTargetLayer(ImageClassifier model, long imageSize = 224, long inChannels = 3) =>
        ClassifierSplit.DefaultLayer(model, imageSize, inChannels);

    /// <summary>Computes the maps of normalised <paramref name="images"/> (N, C, H, W).</summary>
    /// <param name="images">The model's input.</param>
    /// <param name="targetClasses">The class to explain per image; null explains each image's prediction.</param>
    /// <exception cref="ArgumentException">The target list's length or a class index is out of range.</exception>
    public CamResult Compute(Tensor images, IReadOnlyList<int>? targetClasses = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        var model = split.Model;
        var n = (int)images.size(0);
        if (targetClasses is not null && targetClasses.Count != n)
        {
            throw new ArgumentException($"{targetClasses.Count} target classes for {n} images.", nameof(targetClasses));
        }
        var wasTraining = model.training;
        var requiresGrad = model.parameters().Select(p => p.requires_grad).ToList();
        model.eval();
        model.requires_grad_(false);
        try
        {
            using var scope = torch.NewDisposeScope();
            Tensor activation;
            using (torch.no_grad())
            {
                activation = split.Head(images).detach().requires_grad_(true);
            }
            using var gradients = torch.enable_grad();
            var logits = split.Tail(activation);
            var predictions = logits.argmax(1).data<long>().Select(p => (int)p).ToArray();
            var targets = targetClasses?.ToArray() ?? predictions;
            foreach (var target in targets.Where(t => t < 0 || t >= logits.size(1)))
            {
                throw new ArgumentException($"Target class {target} is outside the model's {logits.size(1)} classes.", nameof(targetClasses));
            }
            var targetIndex = torch.tensor(targets.Select(t => (long)t).ToArray(), [n, 1]);
            logits.gather(1, targetIndex).sum().backward();
            var probabilities = logits.detach().softmax(1).gather(1, targetIndex).reshape(n).data<float>().Select(p => (double)p).ToArray();

            var a = split.ToMaps(activation.detach());
            var g = split.ToMaps(activation.grad!);
            var weights = Method == CamMethod.GradCam ? g.mean([2, 3], keepdim: true) : PlusPlusWeights(a, g);
            var maps = a.mul(weights).sum(1).relu();
            var heatmaps = Normalize(F.interpolate(maps.unsqueeze(1), size: [images.size(2), images.size(3)], mode: nn.InterpolationMode.Bilinear, align_corners: false).squeeze(1));
            return new CamResult(maps.MoveToOuterDisposeScope(), heatmaps.MoveToOuterDisposeScope(), targets, probabilities, predictions);
        }
        finally
        {
            model.train(wasTraining);
            foreach (var (parameter, flag) in model.parameters().Zip(requiresGrad))
            {
                parameter.requires_grad_(flag);
            }
        }
    }

    // Grad-CAM++: w_k = Σ_ij relu(g) α, α = g² / (2g² + Σ_ij A · g³ + ε), and α = 0 where g = 0.
    private static Tensor PlusPlusWeights(Tensor a, Tensor g)
    {
        var g2 = g.pow(2);
        var g3 = g2.mul(g);
        var alpha = g2.div(g2.mul(2).add(a.sum([2, 3], keepdim: true).mul(g3)).add(PlusPlusEpsilon));
        alpha = torch.where(g.ne(0), alpha, torch.zeros_like(alpha));
        return g.relu().mul(alpha).sum([2, 3], keepdim: true);
    }

    // Each map to [0, 1]: (m − min) / (max − min + 1e-7), so a flat map stays 0 instead of dividing by zero.
    private static Tensor Normalize(Tensor maps)
    {
        var min = maps.amin([1, 2], keepdim: true);
        var shifted = maps.sub(min);
        return shifted.div(shifted.amax([1, 2], keepdim: true).add(NormalizeEpsilon));
    }
}
