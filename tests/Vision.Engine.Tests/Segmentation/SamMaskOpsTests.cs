using Vision.Engine.Segmentation;
using Vision.Tests.Reference;

namespace Vision.Engine.Tests.Segmentation;

/// <summary>The automatic mask generator's pieces against their formulas, torchvision's NMS and OpenCV's components.</summary>
public class SamMaskOpsTests
{
    [Fact]
    public void PointGridHoldsCellCentresWithXFastest()
    {
        using var grid = SamMaskOps.PointGrid(4);
        var v = grid.data<double>();
        Assert.Equal(new long[] { 16, 2 }, grid.shape);
        Assert.Equal(new[] { 0.125, 0.125, 0.375, 0.125 }, v[..4]);
        Assert.Equal(new[] { 0.875, 0.875 }, v[^2..]);
        var grids = SamMaskOps.PointGrids(8, 2, 2);
        Assert.Equal(new long[] { 64, 16, 4 }, grids.Select(g => g.size(0)).ToArray());
    }

    [Fact]
    public void CropBoxesOverlapByTheRatioOfTheShortSide()
    {
        // Short side 100: overlap int(512/1500 · 100) = 34; crops ceil((34 + 150) / 2) = 92 wide, ceil((34 + 100) / 2) = 67 high.
        var crops = SamMaskOps.CropBoxes(100, 150, 1, 512.0 / 1500);
        Assert.Equal([[0, 0, 150, 100], [0, 0, 92, 67], [0, 33, 92, 100], [58, 0, 150, 67], [58, 33, 150, 100]], crops.Select(c => c.Box).ToArray());
        Assert.Equal([0, 1, 1, 1, 1], crops.Select(c => c.Layer).ToArray());
    }

    [Fact]
    public void StabilityScoreIsTheRatioOfPixelsAboveBothThresholds()
    {
        using var logits = torch.tensor(new[] { 2f, 0.5f, -0.5f, -2f, 1.5f, 0.9f }, 1, 2, 3);
        using var score = SamMaskOps.StabilityScore(logits, 0, 1);
        // Above +1: 2 and 1.5; above −1: all but −2.
        Assert.Equal(2.0 / 5, score.item<float>(), 6);
    }

    [Fact]
    public void MaskBoxesAreInclusiveAndZeroForEmptyMasks()
    {
        using var masks = torch.zeros([2, 5, 7], ScalarType.Bool);
        masks.index_put_(1, 0, 1, 2);
        masks.index_put_(1, 0, 3, 5);
        using var boxes = SamMaskOps.MasksToBoxes(masks);
        Assert.Equal(new long[] { 2, 1, 5, 3, 0, 0, 0, 0 }, boxes.data<long>());
    }

    [Fact]
    public void RleRoundTripsAndFollowsCocoConventions()
    {
        // Column-major: [[0, 1], [1, 1]] reads 0, 1, 1, 1.
        using var mask = torch.tensor(new[] { false, true, true, true }, 1, 2, 2);
        var rle = MaskRle.Encode(mask)[0];
        Assert.Equal(new long[] { 1, 3 }, rle.Counts);
        Assert.Equal(3, rle.Area);
        using var startsSet = torch.tensor(new[] { true, false, false, false }, 1, 2, 2);
        Assert.Equal(new long[] { 0, 1, 3 }, MaskRle.Encode(startsSet)[0].Counts);
        using var generator = new Generator(3);
        using var random = torch.rand([3, 17, 23], ScalarType.Float32, generator: generator) > 0.6;
        var rles = MaskRle.Encode(random);
        for (var i = 0; i < 3; i++)
        {
            using var decoded = rles[i].Decode();
            using var original = random[i];
            Assert.True(decoded.eq(original).all().item<bool>(), $"mask {i} survives the RLE round trip");
            Assert.Equal(original.sum().item<long>(), rles[i].Area);
            Assert.Equal(rles[i].Counts, MaskRle.FromCocoString(17, 23, rles[i].ToCocoString()).Counts);
        }
        // 40 = 8 + 1·32 takes two 5-bit groups ('X' = 48 + 8 + 32, '1'); the 4th count is stored as 1 − 2 = −1 ('O' = 48 + 31).
        var coco = new MaskRle(6, 8, [5, 2, 40, 1]);
        Assert.Equal("52X1O", coco.ToCocoString());
        Assert.Equal(new long[] { 5, 2, 40, 1 }, MaskRle.FromCocoString(6, 8, "52X1O").Counts);
        Assert.Throws<FormatException>(() => MaskRle.FromCocoString(6, 9, "52X1O"));
    }

    [SkippableFact]
    public void NmsAndBatchedNmsEqualTorchvision()
    {
        TorchReference.Require();
        using var generator = new Generator(9);
        using var corners = torch.rand([60, 2], ScalarType.Float32, generator: generator) * 50;
        using var sides = torch.rand([60, 2], ScalarType.Float32, generator: generator) * 30 + 1;
        using var boxes = torch.cat([corners, corners + sides], 1);
        // Repeated scores check the tie order.
        using var scores = (torch.rand([60], ScalarType.Float32, generator: generator) * 8).floor();
        using var categories = torch.randint(0, 3, [60], generator: generator);
        var r = TorchReference.Run("""
out["nms"] = torchvision.ops.nms(inp["boxes"], inp["scores"], 0.3)
out["batched"] = torchvision.ops.batched_nms(inp["boxes"], inp["scores"], inp["categories"], 0.3)
""", new Dictionary<string, Tensor> { ["boxes"] = boxes, ["scores"] = scores, ["categories"] = categories });
        using var keep = BoxNms.Nms(boxes, scores, 0.3);
        Assert.Equal(TorchReference.Doubles(r.GetProperty("nms")).Select(v => (long)v), keep.data<long>());
        using var batched = BoxNms.BatchedNms(boxes, scores, categories, 0.3);
        Assert.Equal(TorchReference.Doubles(r.GetProperty("batched")).Select(v => (long)v).Order(), batched.data<long>().Order());
        using var none = BoxNms.Nms(torch.zeros(0, 4), torch.zeros(0), 0.5);
        Assert.Equal(0, none.numel());
    }

    [SkippableFact]
    public void SmallRegionRemovalEqualsOpenCvComponents()
    {
        TorchReference.Require();
        using var generator = new Generator(4);
        // Blobs with islands and holes of many sizes: smoothed noise, thresholded.
        using var noise = torch.rand([1, 1, 20, 24], ScalarType.Float32, generator: generator);
        using var smooth = nn.functional.interpolate(noise, [60, 72], mode: nn.InterpolationMode.Bilinear, align_corners: false);
        using var mask = smooth.squeeze() > 0.55;
        var r = TorchReference.Run("""
sys.path.insert(0, "benchmarks/pytorch")
import sam
m = inp["mask"].numpy()
for mode in ("holes", "islands"):
    for area in (5, 40, 100000):
        res, changed = sam.remove_small(m, area, mode)
        out[f"{mode}{area}"] = dict(mask=torch.as_tensor(res).to(torch.uint8), changed=int(changed))
""".Replace("benchmarks/pytorch", Vision.TestUtilities.RepositoryPaths.Combine("benchmarks/pytorch"), StringComparison.Ordinal), new Dictionary<string, Tensor> { ["mask"] = mask });
        foreach (var holes in new[] { true, false })
        {
            foreach (var area in new[] { 5, 40, 100000 })
            {
                var expected = r.GetProperty($"{(holes ? "holes" : "islands")}{area}");
                var (result, changed) = SmallRegionRemoval.Remove(mask, area, holes);
                Assert.Equal(expected.GetProperty("changed").GetInt32() == 1, changed);
                Assert.Equal(TorchReference.Doubles(expected.GetProperty("mask")), result.to(ScalarType.Float64).data<double>());
                result.Dispose();
            }
        }
    }
}
