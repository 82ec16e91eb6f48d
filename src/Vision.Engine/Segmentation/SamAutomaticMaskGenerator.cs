using Vision.Models.Segmentation.Sam;

namespace Vision.Engine.Segmentation;

/// <summary>
/// Segments everything in an image with a <see cref="Sam"/> model (the official SamAutomaticMaskGenerator): a grid
/// of single-point prompts over the image and over layers of overlapping crops, keeping masks with a high predicted
/// IoU and a stable threshold, NMS within each crop and across crops (preferring smaller crops), and optionally
/// removing small islands and holes.
/// </summary>
public sealed class SamAutomaticMaskGenerator
{
    private readonly SamPredictor predictor;
    private readonly IReadOnlyList<Tensor> pointGrids;

    /// <summary>A generator over <paramref name="model"/> (the caller keeps ownership) with <paramref name="options"/> (defaults when null).</summary>
    /// <exception cref="ArgumentException">The options are inconsistent.</exception>
    public SamAutomaticMaskGenerator(Sam model, SamAutomaticMaskGeneratorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Options = options ?? new SamAutomaticMaskGeneratorOptions();
        Options.Validate();
        predictor = new SamPredictor(model);
        pointGrids = Options.PointGrids ?? SamMaskOps.PointGrids(Options.PointsPerSide!.Value, Options.CropNLayers, Options.CropNPointsDownscaleFactor);
    }

    /// <summary>The settings.</summary>
    public SamAutomaticMaskGeneratorOptions Options { get; }

    /// <summary>The masks of a uint8 (H, W, 3) image in <paramref name="order"/>; empty when nothing passes the filters.</summary>
    public IReadOnlyList<SamMask> Generate(Tensor image, ChannelOrder order = ChannelOrder.Rgb)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.dim() != 3 || image.size(2) != 3 || image.dtype != ScalarType.Byte)
        {
            throw new ArgumentException($"SamAutomaticMaskGenerator.Generate expects a uint8 (H, W, 3) image; got {image.dtype} [{string.Join(", ", image.shape)}].", nameof(image));
        }
        using var scope = torch.NewDisposeScope();
        var rgb = order == ChannelOrder.Bgr ? image.flip(2) : image;
        var (h, w) = (image.size(0), image.size(1));
        var crops = SamMaskOps.CropBoxes(h, w, Options.CropNLayers, Options.CropOverlapRatio);
        using var data = MaskCandidates.Concatenate(crops.Select(c => ProcessCrop(rgb, c.Box, c.Layer, h, w)).ToList());
        if (crops.Count > 1 && data.Count > 0)
        {
            var c = data.CropBoxes;
            var area = (c.select(1, 2) - c.select(1, 0)) * (c.select(1, 3) - c.select(1, 1));
            data.Keep(BoxNms.Nms(data.Boxes, 1.0 / area.to(ScalarType.Float32), Options.CropNmsThresh));
        }
        if (Options.MinMaskRegionArea > 0 && data.Count > 0)
        {
            RemoveSmallRegions(data, Math.Max(Options.BoxNmsThresh, Options.CropNmsThresh));
        }
        return Annotate(data);
    }

    // Runs inside Generate's dispose scope, which frees what it leaves; the batches free their own large logits.
    private MaskCandidates ProcessCrop(Tensor image, long[] box, int layer, long height, long width)
    {
        var cropped = image.slice(0, box[1], box[3]).slice(1, box[0], box[2]).contiguous();
        var (ch, cw) = (cropped.size(0), cropped.size(1));
        predictor.SetImage(cropped);
        var scale = torch.tensor(new double[] { cw, ch }, 1, 2);
        var points = (pointGrids[layer] * scale).to(ScalarType.Float32);
        var batches = new List<MaskCandidates>();
        for (long start = 0; start < points.size(0); start += Options.PointsPerBatch)
        {
            batches.Add(ProcessBatch(points.slice(0, start, Math.Min(start + Options.PointsPerBatch, points.size(0))), box, height, width));
        }
        predictor.ResetImage();
        var data = MaskCandidates.Concatenate(batches);
        data.Keep(BoxNms.Nms(data.Boxes, data.IouPredictions, Options.BoxNmsThresh));
        var uncropped = new MaskCandidates(SamMaskOps.UncropBoxes(data.Boxes, box), data.IouPredictions.alias(), SamMaskOps.UncropPoints(data.Points, box),
            data.StabilityScores.alias(), torch.tensor(Enumerable.Repeat(box, data.Count).SelectMany(b => b).ToArray(), data.Count, 4), data.Rles);
        data.Dispose();
        return uncropped;
    }

    private MaskCandidates ProcessBatch(Tensor points, long[] box, long height, long width)
    {
        using var scope = torch.NewDisposeScope();
        var n = points.size(0);
        var coords = predictor.ApplyCoords(points).unsqueeze(1);
        var (logits, iou, _) = predictor.PredictTorch(coords, torch.ones(n, 1), null, null, multimaskOutput: true, returnLogits: true);
        var perPoint = logits.size(1);
        var masks = logits.flatten(0, 1);
        iou = iou.flatten(0, 1);
        var pointRows = points.unsqueeze(1).expand(n, perPoint, 2).reshape(-1, 2);
        if (Options.PredIouThresh > 0)
        {
            (masks, iou, pointRows) = Select(iou > Options.PredIouThresh, masks, iou, pointRows);
        }
        var stability = SamMaskOps.StabilityScore(masks, predictor.Model.mask_threshold, Options.StabilityScoreOffset);
        if (Options.StabilityScoreThresh > 0)
        {
            var keep = stability >= Options.StabilityScoreThresh;
            (masks, iou, pointRows) = Select(keep, masks, iou, pointRows);
            stability = stability[keep];
        }
        var binary = masks > predictor.Model.mask_threshold;
        var boxes = SamMaskOps.MasksToBoxes(binary);
        var inside = SamMaskOps.IsBoxNearCropEdge(boxes, box, [0, 0, width, height]).logical_not();
        (binary, iou, pointRows) = Select(inside, binary, iou, pointRows);
        boxes = boxes[inside];
        stability = stability[inside];
        var rles = MaskRle.Encode(SamMaskOps.UncropMasks(binary, box, height, width)).ToList();
        return new MaskCandidates(boxes.MoveToOuterDisposeScope(), iou.MoveToOuterDisposeScope(), pointRows.MoveToOuterDisposeScope(),
            stability.MoveToOuterDisposeScope(), torch.zeros([rles.Count, 4], ScalarType.Int64).MoveToOuterDisposeScope(), rles);
    }

    private static (Tensor, Tensor, Tensor) Select(Tensor keep, Tensor a, Tensor b, Tensor c) => (a[keep], b[keep], c[keep]);

    // Small islands and holes come out of every mask; masks that changed are re-boxed and lose to unchanged ones in a
    // last NMS, and only the kept changed ones take their new RLE.
    // Runs inside Generate's dispose scope, which owns the new tensors.
    private void RemoveSmallRegions(MaskCandidates data, double nmsThreshold)
    {
        var masks = new List<Tensor>();
        var scores = new float[data.Count];
        for (var i = 0; i < data.Count; i++)
        {
            using var mask = data.Rles[i].Decode();
            var (withoutHoles, holesChanged) = SmallRegionRemoval.Remove(mask, Options.MinMaskRegionArea, holes: true);
            var (cleaned, islandsChanged) = SmallRegionRemoval.Remove(withoutHoles, Options.MinMaskRegionArea, holes: false);
            masks.Add(cleaned);
            scores[i] = holesChanged || islandsChanged ? 0f : 1f;
        }
        var stacked = torch.stack(masks);
        var boxes = SamMaskOps.MasksToBoxes(stacked);
        var keep = BoxNms.Nms(boxes, torch.tensor(scores, scores.Length), nmsThreshold);
        var newBoxes = data.Boxes.clone();
        foreach (var i in keep.data<long>().Where(i => scores[i] == 0f))
        {
            data.Rles[(int)i] = MaskRle.Encode(stacked[i].unsqueeze(0))[0];
            newBoxes[i] = boxes[i];
        }
        data.ReplaceBoxes(newBoxes);
        data.Keep(keep);
    }

    private List<SamMask> Annotate(MaskCandidates data)
    {
        var boxes = data.Boxes.data<long>();
        var iou = data.IouPredictions.data<float>();
        var points = data.Points.data<float>();
        var stability = data.StabilityScores.data<float>();
        var crops = data.CropBoxes.data<long>();
        return Enumerable.Range(0, data.Count).Select(i => new SamMask
        {
            Rle = data.Rles[i],
            Mask = Options.OutputMode == SamOutputMode.BinaryMask ? data.Rles[i].Decode().MoveToOuterDisposeScope() : null,
            CocoCounts = Options.OutputMode == SamOutputMode.CocoRle ? data.Rles[i].ToCocoString() : null,
            Bbox = [boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2] - boxes[4 * i], boxes[4 * i + 3] - boxes[4 * i + 1]],
            PredictedIou = iou[i],
            PointCoords = [points[2 * i], points[2 * i + 1]],
            StabilityScore = stability[i],
            CropBox = [crops[4 * i], crops[4 * i + 1], crops[4 * i + 2] - crops[4 * i], crops[4 * i + 3] - crops[4 * i + 1]],
        }).ToList();
    }
}
