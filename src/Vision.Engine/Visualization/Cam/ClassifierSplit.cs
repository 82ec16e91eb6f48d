using Vision.Models;
using Vision.Models.Backbones;
using Vision.nn;

namespace Vision.Engine.Visualization.Cam;

/// <summary>
/// An <see cref="ImageClassifier"/> cut in two at a named layer: <see cref="Head"/> runs the images up to the layer's
/// output (the activation a CAM is made of), <see cref="Tail"/> runs that activation on to the logits, so the score's
/// gradient with respect to the activation is one backward pass away. <see cref="For"/> checks that both halves
/// together give the model's own logits, so a backbone whose forward does more than run its children in order is
/// rejected instead of explained wrongly.
/// </summary>
internal abstract class ClassifierSplit
{
    protected ClassifierSplit(ImageClassifier model, string layer)
    {
        Model = model;
        Layer = layer;
    }

    /// <summary>The classifier.</summary>
    public ImageClassifier Model { get; }

    /// <summary>The full name of the layer the model is cut after (e.g. "backbone.layer4").</summary>
    public string Layer { get; }

    /// <summary>The layer's output for <paramref name="images"/>.</summary>
    public abstract Tensor Head(Tensor images);

    /// <summary>The logits for an activation of the layer.</summary>
    public abstract Tensor Tail(Tensor activation);

    /// <summary>The activation (or its gradient) as channel maps (N, K, h, w).</summary>
    public abstract Tensor ToMaps(Tensor activation);

    /// <summary>
    /// A CNN's default layer is the deepest stage whose map has at least this side, or the stage with the largest map
    /// when none does: the side ResNet's last stage has at 224 px (7×7), where pytorch-grad-cam's usual choice
    /// (<c>layer4</c>) comes from. On small images the last stage's map is 1×1 or 2×2, a map without a place in it.
    /// </summary>
    public const int PreferredMapSide = 7;

    /// <summary>
    /// The layer a CAM uses when none is named: for a ViT the last block's first norm; for a CNN the deepest stage
    /// (a Sequential of blocks: ResNet's layer1…4, CAS-ViT's network.0/2/4/6) whose map at <paramref name="imageSize"/>
    /// is at least <see cref="PreferredMapSide"/> pixels on its shorter side, else the one with the largest map
    /// (e.g. ResNet-18: layer4 at 224 px, layer3 at 112 px, layer1 at 28 px).
    /// </summary>
    public static string DefaultLayer(ImageClassifier model, long imageSize, long channels)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.backbone is VisionTransformer vit)
        {
            return $"backbone.blocks.{vit.blocks.Count - 1}.norm1";
        }
        var units = SequentialSplit.Units(model, "");
        var stages = units.Where(u => u.Module is Sequential).ToList();
        if (stages.Count == 0)
        {
            return units[^1].Name;
        }
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var wasTraining = model.training;
        model.eval();
        try
        {
            var x = torch.zeros(1, channels, imageSize, imageSize);
            var best = (Name: stages[^1].Name, Side: -1L);
            foreach (var (name, module) in units)
            {
                x = module.forward(x);
                // Later stages win ties, so "≥ the preferred side" keeps the deepest such stage.
                if (module is Sequential && x.dim() == 4 && Math.Min(Math.Min(x.size(2), x.size(3)), PreferredMapSide) >= best.Side)
                {
                    best = (name, Math.Min(Math.Min(x.size(2), x.size(3)), PreferredMapSide));
                }
            }
            return best.Name;
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>Cuts <paramref name="model"/> after <paramref name="layer"/> (null: <see cref="DefaultLayer"/> at the image size).</summary>
    /// <exception cref="ArgumentException">The layer is not one the model can be cut at; the message lists those it can.</exception>
    public static ClassifierSplit For(ImageClassifier model, string? layer, long imageSize, long channels)
    {
        ArgumentNullException.ThrowIfNull(model);
        layer ??= DefaultLayer(model, imageSize, channels);
        ClassifierSplit split = model.backbone is VisionTransformer vit
            ? new TokenSplit(model, vit, layer)
            : new SequentialSplit(model, layer);
        split.CheckAgainstModel(imageSize, channels);
        return split;
    }

    /// <summary>The logits of the neck and head for the backbone's last output.</summary>
    protected Tensor Classify(Tensor features) => Model.head.forward(Model.neck is null ? [features] : Model.neck.forward([features]));

    private void CheckAgainstModel(long imageSize, long channels)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var wasTraining = Model.training;
        Model.eval();
        try
        {
            // A generator of its own, so checking leaves the global random state (and a training run's) alone.
            using var generator = new Generator(0);
            var images = torch.randn([2, channels, imageSize, imageSize], ScalarType.Float32, generator: generator);
            var expected = Model.forward(images);
            var actual = Tail(Head(images));
            var error = actual.sub(expected).abs().max().item<float>();
            var scale = 1 + expected.abs().max().item<float>();
            if (!(error <= 1e-4 * scale))
            {
                throw new ArgumentException(
                    $"{Model.backbone.GetType().Name} cannot be cut at '{Layer}' for a class activation map: running its parts in order " +
                    $"differs from the model's forward by {error:G3}. Name a layer of its main path (e.g. '{DefaultLayer(Model, imageSize, channels)}').");
            }
        }
        finally
        {
            Model.train(wasTraining);
        }
    }

    /// <summary>Layers that run their children in order: CNN backbones (ResNet's stem and stages, CAS-ViT's network).</summary>
    private sealed class SequentialSplit : ClassifierSplit
    {
        private readonly List<Module<Tensor, Tensor>> before = [];
        private readonly List<Module<Tensor, Tensor>> after = [];

        public SequentialSplit(ImageClassifier model, string layer) : base(model, layer)
        {
            var units = Units(model, layer);
            var index = units.FindIndex(u => u.Name == layer);
            if (index < 0)
            {
                throw new ArgumentException(
                    $"'{layer}' is not a layer a class activation map can use in {model.backbone.GetType().Name}; its layers are: " +
                    $"{string.Join(", ", units.Select(u => u.Name))} (and the blocks inside a stage, e.g. '{units[^1].Name}.0').");
            }
            before.AddRange(units.Take(index + 1).Select(u => u.Module));
            after.AddRange(units.Skip(index + 1).Select(u => u.Module));
        }

        /// <summary>The backbone's steps in order, containers opened down to <paramref name="layer"/> ("" opens only ModuleLists).</summary>
        public static List<(string Name, Module<Tensor, Tensor> Module)> Units(ImageClassifier model, string layer)
        {
            var units = new List<(string Name, Module<Tensor, Tensor> Module)>();
            Flatten(model.backbone, "backbone.", layer, units);
            return units;
        }

        public override Tensor Head(Tensor images) => Run(before, images);

        public override Tensor Tail(Tensor activation) => Classify(Run(after, activation));

        public override Tensor ToMaps(Tensor activation) =>
            activation.dim() == 4 ? activation : throw new ArgumentException($"'{Layer}' gives {activation.dim()}-d outputs; a CNN layer gives (N, K, h, w).");

        private static Tensor Run(List<Module<Tensor, Tensor>> modules, Tensor x)
        {
            foreach (var module in modules)
            {
                x = module.forward(x);
            }
            return x;
        }

        // The backbone's children in order; a container (Sequential, ModuleList) is opened when the layer is inside it.
        private static void Flatten(Module module, string prefix, string layer, List<(string, Module<Tensor, Tensor>)> units)
        {
            foreach (var (name, child) in module.named_children())
            {
                var full = prefix + name;
                var isContainer = child is Sequential || child.GetType().Name.StartsWith("ModuleList", StringComparison.Ordinal);
                if (isContainer && (layer.StartsWith(full + ".", StringComparison.Ordinal) || child is not Module<Tensor, Tensor>))
                {
                    Flatten(child, full + ".", layer, units);
                }
                else if (child is Module<Tensor, Tensor> step)
                {
                    units.Add((full, step));
                }
            }
        }
    }
}
