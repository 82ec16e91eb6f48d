using System.CommandLine;
using System.Globalization;
using Vision.Cli.Inference;
using Vision.Data;
using Vision.Data.Image;
using Vision.Data.Transforms;
using Vision.Engine.Inference;
using Vision.Engine.Visualization.Cam;
using Vision.Models.Registry;

namespace Vision.Cli.Commands;

/// <summary>
/// <c>vision cam config checkpoint images…</c>: Grad-CAM or Grad-CAM++ heatmaps over images (MMPreTrain's
/// <c>tools/visualization/vis_cam.py</c>). Each image goes through the config's test preprocessing (resize, centre
/// crop, normalisation); the map of the target layer (default per architecture) for the predicted or given class is
/// written beside the cropped image as <c>{output}/{image name}_cam.png</c>.
/// </summary>
public static class CamCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var config = new Argument<string>("config") { Description = "The training config: model, image size, class count and normalisation." };
        var checkpoint = new Argument<string>("checkpoint") { Description = "The weights: a checkpoint folder written by train or a .safetensors state dict." };
        var images = new Argument<string[]>("images") { Description = "Image files or folders of images.", Arity = ArgumentArity.OneOrMore };
        var layer = new Option<string>("--target-layer") { Description = "The layer by name, e.g. backbone.layer4 or backbone.blocks.11.norm1; default per architecture." };
        var method = new Option<CamMethod>("--method") { Description = "GradCam or GradCamPlusPlus.", DefaultValueFactory = _ => CamMethod.GradCam };
        var target = new Option<int?>("--target-class") { Description = "The class to explain; default each image's prediction." };
        var classes = new Option<string>("--classes") { Description = "Class names: a file with one per line or a comma-separated list; used in captions." };
        var output = new Option<string>("--output", "-o") { Description = "The folder for the PNGs.", DefaultValueFactory = _ => "cam" };
        var ema = new Option<bool>("--ema") { Description = "Use the EMA weights of a trainer checkpoint." };
        var command = new Command("cam", "Draw Grad-CAM / Grad-CAM++ heatmaps of a trained model over images.")
        {
            config, checkpoint, images, layer, method, target, classes, output, ema,
        };
        command.SetAction(result =>
        {
            var trained = TrainingDefaults.Read(result.GetRequiredValue(config));
            var names = result.GetValue(classes) is { } list ? ClassNames.Parse(list) : null;
            var numClasses = trained.NumClasses ?? names?.Count
                ?? throw new ArgumentException("cam: the config's model has no num_classes (training counts the dataset's classes); give --classes.");
            var size = trained.ImageSize ?? 224;
            var channels = trained.InChannels ?? 3;
            var info = ModelRegistry.Get(trained.Model ?? throw new ArgumentException("cam: the config names no model type."));
            using var model = ModelRegistry.Create(info.Name, numClasses, size, trained.Overrides);
            CheckpointWeights.Load(model, result.GetRequiredValue(checkpoint), result.GetValue(ema), info.PretrainedKeyMap);
            var cam = new GradCam(model, result.GetValue(layer), result.GetValue(method), size, channels);
            // The test pipeline of infer and vision test: short side to size·256/224, centre crop, the config's normalisation.
            var crop = new Compose(new ResizeEdge((int)Math.Round(size * 256.0 / 224)), new CenterCrop(size));
            var normalize = new Normalize(trained.MeanFor(channels) ?? ImageClassificationInferencerOptions.ImageNetMean,
                trained.StdFor(channels) ?? ImageClassificationInferencerOptions.ImageNetStd);
            var folder = result.GetRequiredValue(output);
            var mode = channels == 1 ? ImageReadMode.Grayscale : ImageReadMode.Rgb;
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (var path in result.GetRequiredValue(images).SelectMany(ImageFiles))
            {
                using var scope = torch.NewDisposeScope();
                using var sample = new DataSample(ImageIO.Read(path, mode), label: 0, index: 0, source: path);
                crop.Apply(sample, new Random(0));
                var shown = sample.Image.clone();
                normalize.Apply(sample, new Random(0));
                var targets = result.GetValue(target) is { } t ? new[] { t } : null;
                using var maps = cam.Compute(sample.Image.unsqueeze(0), targets);
                string Name(int c) => names is not null && c < names.Count ? names[c] : c.ToString(CultureInfo.InvariantCulture);
                var caption = $"{Name(maps.TargetClasses[0])} {maps.Probabilities[0]:0.00} (pred {Name(maps.Predictions[0])}) · {(cam.Method == CamMethod.GradCam ? "Grad-CAM" : "Grad-CAM++")} {cam.TargetLayer}";
                // Images of the same name from different folders (class0/0.png, class1/0.png) get numbered files.
                var stem = Path.GetFileNameWithoutExtension(path);
                var file = Path.Combine(folder, stem + "_cam.png");
                for (var k = 2; !written.Add(file); k++)
                {
                    file = Path.Combine(folder, $"{stem}_{k}_cam.png");
                }
                CamOverlay.Save(shown, maps.Heatmaps[0], file, caption);
                result.InvocationConfiguration.Output.WriteLine($"{Path.GetFullPath(file)}  {caption}");
            }
            return 0;
        });
        return command;
    }

    private static IEnumerable<string> ImageFiles(string path) =>
        File.Exists(path) ? [path]
        : Directory.Exists(path) ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
            .Where(f => ImageIO.Extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal)
        : throw new FileNotFoundException($"{path} is neither an image file nor a folder.", path);
}
