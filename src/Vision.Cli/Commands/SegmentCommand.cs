using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Vision.Data.Image;
using Vision.Engine.Segmentation;
using Vision.Engine.Visualization.Segmentation;
using Vision.Models.Registry;
using Vision.Models.Segmentation.Sam;
using Vision.Models.Weights;

namespace Vision.Cli.Commands;

/// <summary>
/// <c>vision segment image --model sam_vit_b --checkpoint sam_vit_b_01ec64.pth [--point x,y[,label]]… [--box x0,y0,x1,y1]
/// [--multimask] | --auto [generator options]</c>: Segment Anything on one image, from prompts or automatically. Writes
/// <c>{output}/{image}_mask{i}.png</c> per mask, <c>{image}_overlay.png</c> (coloured masks with outlines and the
/// prompts) and <c>{image}.json</c> (scores, boxes as x, y, width, height, areas and COCO RLEs).
/// </summary>
public static class SegmentCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var image = new Argument<string>("image") { Description = "The image file." };
        var model = new Option<string>("--model") { Description = "sam_vit_b, sam_vit_l or sam_vit_h (alias sam).", DefaultValueFactory = _ => "sam_vit_b" };
        var checkpoint = new Option<string>("--checkpoint") { Description = "The official SAM weights (.pth) or a .safetensors state dict with the same keys.", Required = true };
        var points = new Option<string[]>("--point") { Description = "A prompt point x,y[,label] in image pixels; label 1 (default) foreground, 0 background. Repeatable.", AllowMultipleArgumentsPerToken = false };
        var box = new Option<string>("--box") { Description = "A prompt box x0,y0,x1,y1 in image pixels." };
        var multimask = new Option<bool>("--multimask") { Description = "Return three masks for an ambiguous prompt instead of one." };
        var auto = new Option<bool>("--auto") { Description = "Segment everything with the automatic mask generator instead of prompts." };
        var output = new Option<string>("--output", "-o") { Description = "The folder for the PNGs and the JSON.", DefaultValueFactory = _ => "segment" };
        var device = new Option<string>("--device") { Description = "Where the model runs: cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var defaults = new SamAutomaticMaskGeneratorOptions();
        var perSide = new Option<int>("--points-per-side") { Description = "(--auto) Prompt points per side of the grid.", DefaultValueFactory = _ => defaults.PointsPerSide!.Value }.MustBePositive();
        var perBatch = new Option<int>("--points-per-batch") { Description = "(--auto) Points decoded together.", DefaultValueFactory = _ => defaults.PointsPerBatch }.MustBePositive();
        var iouThresh = new Option<double>("--pred-iou-thresh") { Description = "(--auto) Minimum predicted IoU.", DefaultValueFactory = _ => defaults.PredIouThresh };
        var stabilityThresh = new Option<double>("--stability-score-thresh") { Description = "(--auto) Minimum stability score.", DefaultValueFactory = _ => defaults.StabilityScoreThresh };
        var stabilityOffset = new Option<double>("--stability-score-offset") { Description = "(--auto) Logit offset of the stability score.", DefaultValueFactory = _ => defaults.StabilityScoreOffset };
        var boxNms = new Option<double>("--box-nms-thresh") { Description = "(--auto) IoU threshold of the NMS within a crop.", DefaultValueFactory = _ => defaults.BoxNmsThresh };
        var cropLayers = new Option<int>("--crop-n-layers") { Description = "(--auto) Layers of crops beyond the whole image.", DefaultValueFactory = _ => defaults.CropNLayers }.MustNotBeNegative();
        var cropNms = new Option<double>("--crop-nms-thresh") { Description = "(--auto) IoU threshold of the NMS across crops.", DefaultValueFactory = _ => defaults.CropNmsThresh };
        var overlap = new Option<double>("--crop-overlap-ratio") { Description = "(--auto) Overlap of neighbouring crops.", DefaultValueFactory = _ => defaults.CropOverlapRatio };
        var downscale = new Option<int>("--crop-n-points-downscale-factor") { Description = "(--auto) Point-grid downscaling per crop layer.", DefaultValueFactory = _ => defaults.CropNPointsDownscaleFactor }.MustBePositive();
        var minArea = new Option<int>("--min-mask-region-area") { Description = "(--auto) Remove islands and holes smaller than this (pixels).", DefaultValueFactory = _ => defaults.MinMaskRegionArea }.MustNotBeNegative();
        var command = new Command("segment", "Segment an image with Segment Anything, from point/box prompts or automatically.")
        {
            image, model, checkpoint, points, box, multimask, auto, output, device,
            perSide, perBatch, iouThresh, stabilityThresh, stabilityOffset, boxNms, cropLayers, cropNms, overlap, downscale, minArea,
        };
        command.SetAction(result =>
        {
            var imagePath = result.GetRequiredValue(image);
            var promptPoints = (result.GetValue(points) ?? []).Select(ParsePoint).ToList();
            var promptBox = result.GetValue(box) is { } b ? ParseBox(b) : null;
            var automatic = result.GetValue(auto);
            if (automatic && (promptPoints.Count > 0 || promptBox is not null))
            {
                throw new ArgumentException("segment: --auto segments everything; it takes no --point or --box.");
            }
            if (!automatic && promptPoints.Count == 0 && promptBox is null)
            {
                throw new ArgumentException("segment: give at least one --point or a --box, or --auto.");
            }
            var options = new SamAutomaticMaskGeneratorOptions
            {
                PointsPerSide = result.GetValue(perSide), PointsPerBatch = result.GetValue(perBatch), PredIouThresh = result.GetValue(iouThresh),
                StabilityScoreThresh = result.GetValue(stabilityThresh), StabilityScoreOffset = result.GetValue(stabilityOffset), BoxNmsThresh = result.GetValue(boxNms),
                CropNLayers = result.GetValue(cropLayers), CropNmsThresh = result.GetValue(cropNms), CropOverlapRatio = result.GetValue(overlap),
                CropNPointsDownscaleFactor = result.GetValue(downscale), MinMaskRegionArea = result.GetValue(minArea), OutputMode = SamOutputMode.UncompressedRle,
            };
            options.Validate();
            var weights = result.GetRequiredValue(checkpoint);
            var info = ModelRegistry.Get(result.GetRequiredValue(model));
            if (!info.Name.StartsWith("sam_", StringComparison.Ordinal))
            {
                throw new ArgumentException($"segment: '{info.Name}' is not a Segment Anything model; use sam_vit_b, sam_vit_l or sam_vit_h.");
            }
            // Both files are checked before the model is built: building ViT-H alone takes seconds and gigabytes.
            if (!File.Exists(weights))
            {
                throw new FileNotFoundException($"segment: the checkpoint {weights} does not exist.", weights);
            }
            var where = Device.Parse(result.GetRequiredValue(device));
            using var scope = torch.NewDisposeScope();
            var picture = ImageIO.Read(imagePath);
            using var built = ModelRegistry.CreateModule(info.Name);
            var sam = (Sam)built;
            PretrainedWeights.Load(sam, weights);
            sam.to(where);
            var found = automatic
                ? Automatic(sam, picture, options)
                : Prompted(sam, picture, promptPoints, promptBox, result.GetValue(multimask));
            var folder = result.GetRequiredValue(output);
            Write(folder, imagePath, info.Name, picture, found, promptPoints, promptBox, result.InvocationConfiguration.Output);
            return 0;
        });
        return command;
    }

    // One found mask: bool (H, W), its RLE, score and optional stability and prompt point.
    private sealed record Found(Tensor Mask, MaskRle Rle, double Score, double? Stability, double[]? Point);

    private static List<Found> Automatic(Sam sam, Tensor picture, SamAutomaticMaskGeneratorOptions options) =>
        new SamAutomaticMaskGenerator(sam, options).Generate(picture)
            .Select(m => new Found(m.Rle.Decode(), m.Rle, m.PredictedIou, m.StabilityScore, m.PointCoords)).ToList();

    private static List<Found> Prompted(Sam sam, Tensor picture, List<(double X, double Y, int Label)> points, double[]? box, bool multimask)
    {
        using var predictor = new SamPredictor(sam);
        predictor.SetImage(picture);
        var coords = points.Count > 0 ? torch.tensor(points.SelectMany(p => new[] { (float)p.X, (float)p.Y }).ToArray(), points.Count, 2) : null;
        var labels = points.Count > 0 ? torch.tensor(points.Select(p => (float)p.Label).ToArray(), points.Count) : null;
        var boxes = box is null ? null : torch.tensor(box.Select(v => (float)v).ToArray(), 4);
        var prediction = predictor.Predict(coords, labels, boxes, multimaskOutput: multimask);
        var masks = prediction.Masks.cpu();
        var scores = prediction.IouPredictions.cpu().data<float>();
        var rles = MaskRle.Encode(masks);
        // Best first, as the official demo shows them.
        return Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i])
            .Select(i => new Found(masks[i], rles[i], scores[i], null, null)).ToList();
    }

    private static void Write(string folder, string imagePath, string modelName, Tensor picture, List<Found> found,
        List<(double X, double Y, int Label)> points, double[]? box, TextWriter console)
    {
        Directory.CreateDirectory(folder);
        var stem = Path.GetFileNameWithoutExtension(imagePath);
        var entries = new List<object>();
        for (var i = 0; i < found.Count; i++)
        {
            var f = found[i];
            var file = $"{stem}_mask{i}.png";
            using (var png = (f.Mask.to(ScalarType.Byte) * 255).to(ScalarType.Byte).unsqueeze(2))
            {
                ImageIO.Write(Path.Combine(folder, file), png);
            }
            using var boxes = SamMaskOps.MasksToBoxes(f.Mask.unsqueeze(0));
            var xyxy = boxes.data<long>();
            entries.Add(new
            {
                file,
                score = f.Score,
                stability_score = f.Stability,
                area = f.Rle.Area,
                bbox = new[] { xyxy[0], xyxy[1], xyxy[2] - xyxy[0], xyxy[3] - xyxy[1] },
                point_coords = f.Point,
                segmentation = new { size = new[] { f.Rle.Height, f.Rle.Width }, counts = f.Rle.ToCocoString() },
            });
        }
        var overlay = Path.Combine(folder, $"{stem}_overlay.png");
        MaskOverlay.Save(picture, found.Select(f => f.Mask).ToList(), overlay, points, box is null ? null : [box]);
        var json = Path.Combine(folder, $"{stem}.json");
        File.WriteAllText(json, JsonSerializer.Serialize(new
        {
            image = Path.GetFullPath(imagePath),
            model = modelName,
            height = picture.size(0),
            width = picture.size(1),
            masks = entries,
        }, new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        console.WriteLine($"{found.Count} mask(s) of {Path.GetFileName(imagePath)}: {Path.GetFullPath(overlay)}, {Path.GetFullPath(json)}");
    }

    private static (double X, double Y, int Label) ParsePoint(string text)
    {
        var v = OptionValues.ParseNumbers(text, "--point");
        if (v.Count is not (2 or 3) || (v.Count == 3 && v[2] is not (0 or 1)))
        {
            throw new ArgumentException($"--point: '{text}' is not x,y or x,y,label with label 0 or 1.");
        }
        return (v[0], v[1], v.Count == 3 ? (int)v[2] : 1);
    }

    private static double[] ParseBox(string text)
    {
        var v = OptionValues.ParseNumbers(text, "--box");
        if (v.Count != 4 || v[2] <= v[0] || v[3] <= v[1])
        {
            throw new ArgumentException($"--box: '{text}' is not x0,y0,x1,y1 with x1 > x0 and y1 > y0.");
        }
        return [.. v];
    }
}
