using Xunit.Abstractions;
using Vision.Engine.Segmentation;
using Vision.Models.Segmentation.Sam;
using Vision.Tests.Reference;

namespace Vision.Engine.Tests.Segmentation;

/// <summary>
/// SamPredictor against the Predictor of benchmarks/pytorch/sam.py on the same seeded weights and image: the
/// embedding, and for point, multi-point, box, box + point + mask and batched-box prompts in original-image pixels
/// the masks (identical), IoU predictions and low-res logits (1e-4 relative), BGR input included.
/// </summary>
public class SamPredictorTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void PredictionsEqualTheTranscription()
    {
        TorchReference.Require();
        Check(SamReference.Tiny, 90, 120, seed: 11);
    }

    [SkippableFact]
    [Trait("Category", "Slow")]
    public void FullSizeVitBPredictionsEqualTheTranscription()
    {
        TorchReference.Require();
        Check(SamConfig.VitB, 600, 800, seed: 12);
    }

    private void Check(SamConfig config, long height, long width, ulong seed)
    {
        torch.manual_seed(5);
        using var model = new Sam(config);
        SamReference.Randomize(model, seed);
        using var predictor = new SamPredictor(model);
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(seed + 1);
        var image = torch.randint(0, 256, [height, width, 3], ScalarType.Byte, generator: generator);
        predictor.SetImage(image.flip(2), ChannelOrder.Bgr);
        Assert.Equal(SamPredictor.ResizedShape(height, width, config.ImageSize), predictor.InputSize);
        var lowRes = 4 * config.EmbeddingSize;
        var (w, h) = ((float)width, (float)height);
        var inputs = SamReference.Weights(model);
        inputs["image"] = image;
        inputs["point"] = torch.tensor(new[] { 0.31f * w, 0.62f * h }, 1, 2);
        inputs["points"] = torch.tensor(new[] { 0.2f * w, 0.25f * h, 0.7f * w, 0.4f * h, 0.5f * w, 0.85f * h }, 3, 2);
        inputs["box"] = torch.tensor(new[] { 0.1f * w, 0.15f * h, 0.8f * w, 0.7f * h }, 4);
        inputs["boxes"] = torch.tensor(new[] { 0.1f * w, 0.15f * h, 0.8f * w, 0.7f * h, 0.3f * w, 0.05f * h, 0.95f * w, 0.5f * h }, 2, 4);
        inputs["mask"] = torch.randn(1, lowRes, lowRes);
        var r = TorchReference.Run(SamReference.Prelude(config) + """
p = sam.Predictor(model)
p.set_image(inp["image"].numpy())
out["embedding"] = p.features
def run(name, **kw):
    for mm in (True, False):
        m, i, low = p.predict(multimask=mm, **kw)
        out[name + str(mm)] = dict(masks=m.to(torch.uint8), iou=i, low=low)
run("point", points=inp["point"], labels=[1])
run("points", points=inp["points"], labels=[1, 0, 1])
run("box", box=inp["box"])
run("all", points=inp["point"], labels=[0], box=inp["box"], mask_input=inp["mask"])
with torch.no_grad():
    m, i, low = p.predict_torch(None, None, p.scale_coords(inp["boxes"].reshape(-1, 2, 2)).reshape(-1, 4), None, True, False)
out["batched"] = dict(masks=m.to(torch.uint8), iou=i, low=low)
""", inputs);

        Close(TorchReference.Doubles(r.GetProperty("embedding")), predictor.ImageEmbedding, 1e-4, "image embedding");
        var ones = torch.ones(1);
        var cases = new (string Name, Tensor? Points, Tensor? Labels, Tensor? Box, Tensor? Mask)[]
        {
            ("point", inputs["point"], ones, null, null),
            ("points", inputs["points"], torch.tensor(new float[] { 1, 0, 1 }, 3), null, null),
            ("box", null, null, inputs["box"], null),
            ("all", inputs["point"], torch.zeros(1), inputs["box"], inputs["mask"]),
        };
        foreach (var c in cases)
        {
            foreach (var multimask in new[] { true, false })
            {
                using var prediction = predictor.Predict(c.Points, c.Labels, c.Box, c.Mask, multimask);
                var expected = r.GetProperty(c.Name + (multimask ? "True" : "False"));
                var channels = multimask ? 3 : 1;
                Assert.Equal(new[] { channels, height, width }, prediction.Masks.shape);
                Assert.Equal(TorchReference.Doubles(expected.GetProperty("masks")), prediction.Masks.to(ScalarType.Float64).data<double>());
                Close(TorchReference.Doubles(expected.GetProperty("iou")), prediction.IouPredictions, 1e-4, $"{c.Name} IoU (multimask {multimask})");
                Close(TorchReference.Doubles(expected.GetProperty("low")), prediction.LowResLogits, 1e-4, $"{c.Name} low-res logits (multimask {multimask})");
            }
        }
        using var batched = predictor.Predict(boxes: inputs["boxes"]);
        Assert.Equal(new[] { 2L, 3, height, width }, batched.Masks.shape);
        var expectedBatch = r.GetProperty("batched");
        Assert.Equal(TorchReference.Doubles(expectedBatch.GetProperty("masks")), batched.Masks.to(ScalarType.Float64).data<double>());
        Close(TorchReference.Doubles(expectedBatch.GetProperty("iou")), batched.IouPredictions, 1e-4, "batched IoU");
        Close(TorchReference.Doubles(expectedBatch.GetProperty("low")), batched.LowResLogits, 1e-4, "batched low-res logits");
    }

    [Fact]
    public void RoundingOfTheLongestSideResizeAndMissingImageAreExplicit()
    {
        // 1024 · 683 / 1000 = 699.39 → 699; 1024 · 500 / 333 is the longest side; 7 · 1024 / 10 = 716.8 → 717.
        Assert.Equal(new Vision.nn.Pair(1024, 699), SamPredictor.ResizedShape(1000, 683, 1024));
        Assert.Equal(new Vision.nn.Pair(717, 1024), SamPredictor.ResizedShape(7, 10, 1024));
        using var model = new Sam(SamReference.Tiny);
        using var predictor = new SamPredictor(model);
        Assert.Throws<InvalidOperationException>(() => predictor.Predict(boxes: torch.zeros(4)));
        var e = Assert.Throws<ArgumentException>(() => predictor.SetImage(torch.zeros(10, 10, 3)));
        Assert.Contains("uint8 (H, W, 3)", e.Message, StringComparison.Ordinal);
    }

    // Asserts closeness and prints the worst relative difference (shown with --logger "console;verbosity=detailed").
    private void Close(double[] expected, Tensor actual, double rtol, string what) =>
        output.WriteLine($"{what}: max |Δ| / max |reference| = {ReferenceAssert.Close(expected, actual, rtol, what):E2}");
}
