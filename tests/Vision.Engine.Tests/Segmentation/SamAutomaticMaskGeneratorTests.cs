using Vision.Engine.Segmentation;
using Vision.Models.Segmentation.Sam;
using Vision.Tests.Reference;

namespace Vision.Engine.Tests.Segmentation;

/// <summary>
/// SamAutomaticMaskGenerator against the Generator of benchmarks/pytorch/sam.py on the same seeded weights and image,
/// with a crop layer and small-region removal on: the same masks (RLE counts), in the same order, with boxes, points,
/// crop boxes, predicted IoUs and stability scores within 1e-4.
/// </summary>
public class SamAutomaticMaskGeneratorTests
{
    [SkippableFact]
    public void MasksEqualTheTranscription()
    {
        TorchReference.Require();
        torch.manual_seed(8);
        using var model = new Sam(SamReference.Tiny);
        SamReference.Randomize(model, 21);
        using var scope = torch.NewDisposeScope();
        var image = SmoothImage(72, 96, 6);
        // Random weights give random IoU predictions and noisy logits within ±0.3 whose masks all span the whole
        // crop, so the IoU filter is off, the stability offset scaled down, and NMS only orders (IoU 1 suppresses
        // nothing): with the defaults one mask or none would be left to compare. NMS itself is checked against
        // torchvision in SamMaskOpsTests.
        var options = new SamAutomaticMaskGeneratorOptions
        {
            PointsPerSide = 8, PointsPerBatch = 10, PredIouThresh = 0, StabilityScoreThresh = 0.001, StabilityScoreOffset = 0.02, BoxNmsThresh = 1,
            CropNLayers = 1, CropNmsThresh = 1, MinMaskRegionArea = 30, OutputMode = SamOutputMode.CocoRle,
        };
        var masks = new SamAutomaticMaskGenerator(model, options).Generate(image);
        var inputs = SamReference.Weights(model);
        inputs["image"] = image;
        var r = TorchReference.Run(SamReference.Prelude(SamReference.Tiny) + """
g = sam.Generator(model, points_per_side=8, points_per_batch=10, pred_iou_thresh=0, stability_score_thresh=0.001, stability_score_offset=0.02,
                  box_nms_thresh=1.0, crop_n_layers=1, crop_nms_thresh=1.0, min_mask_region_area=30)
out["masks"] = g.generate(inp["image"].numpy())
""", inputs);
        var expected = r.GetProperty("masks").EnumerateArray().ToList();
        Assert.Equal(expected.Count, masks.Count);
        Assert.True(expected.Count > 3, $"the reference finds several masks ({expected.Count}) for the comparison to mean something");
        for (var i = 0; i < masks.Count; i++)
        {
            var e = expected[i];
            var m = masks[i];
            Assert.Equal(e.GetProperty("rle").GetProperty("counts").EnumerateArray().Select(c => c.GetInt64()), m.Rle.Counts);
            Assert.Equal(e.GetProperty("area").GetInt64(), m.Area);
            Assert.Equal(TorchReference.Doubles(e.GetProperty("bbox")), m.Bbox);
            Assert.Equal(TorchReference.Doubles(e.GetProperty("crop_box")).Select(v => (long)v), Xyxy(m.CropBox));
            Assert.Equal(e.GetProperty("predicted_iou").GetDouble(), m.PredictedIou, 1e-4);
            Assert.Equal(e.GetProperty("stability_score").GetDouble(), m.StabilityScore, 1e-4);
            Assert.Equal(TorchReference.Doubles(e.GetProperty("point")), m.PointCoords, (a, b) => Math.Abs(a - b) < 1e-3);
            Assert.Equal(m.Rle.Counts, MaskRle.FromCocoString(72, 96, m.CocoCounts!).Counts);
        }
    }

    [Fact]
    public void AnImageWithoutMasksGivesAnEmptyList()
    {
        torch.manual_seed(8);
        using var model = new Sam(SamReference.Tiny);
        using (torch.no_grad())
        {
            // Every IoU prediction −100: nothing passes the IoU filter, in any crop.
            var last = model.mask_decoder.iou_prediction_head.layers[^1];
            last.weight.zero_();
            last.bias!.fill_(-100);
        }
        using var scope = torch.NewDisposeScope();
        var generator = new SamAutomaticMaskGenerator(model, new SamAutomaticMaskGeneratorOptions { PointsPerSide = 4, CropNLayers = 1 });
        Assert.Empty(generator.Generate(SmoothImage(40, 50, 2)));
    }

    [Fact]
    public void InconsistentOptionsAreRejectedByName()
    {
        using var model = new Sam(SamReference.Tiny);
        var e = Assert.Throws<ArgumentException>(() => new SamAutomaticMaskGenerator(model, new SamAutomaticMaskGeneratorOptions { BoxNmsThresh = 1.5 }));
        Assert.Contains("BoxNmsThresh", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => new SamAutomaticMaskGenerator(model, new SamAutomaticMaskGeneratorOptions { PointGrids = [SamMaskOps.PointGrid(2)] , PointsPerSide = null, CropNLayers = 1 }));
        Assert.Contains("2 crop layers", e.Message, StringComparison.Ordinal);
    }

    // Smooth colour regions (upsampled noise) rather than pixel noise, so masks have extent.
    internal static Tensor SmoothImage(long height, long width, ulong seed)
    {
        using var generator = new Generator(seed);
        using var noise = torch.rand([1, 3, 6, 8], ScalarType.Float32, generator: generator) * 255;
        using var up = nn.functional.interpolate(noise, [height, width], mode: nn.InterpolationMode.Bilinear, align_corners: false);
        using var hwc = up.squeeze(0).permute(1, 2, 0);
        return hwc.round().clamp(0, 255).to(ScalarType.Byte).contiguous();
    }

    private static long[] Xyxy(long[] xywh) => [xywh[0], xywh[1], xywh[0] + xywh[2], xywh[1] + xywh[3]];
}
