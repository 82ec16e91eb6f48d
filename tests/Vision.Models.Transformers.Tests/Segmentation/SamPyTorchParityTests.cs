using Xunit.Abstractions;
using System.Text.Json;
using Vision.Models.Segmentation.Sam;
using Vision.Tests.Reference;

namespace Vision.Models.Transformers.Tests.Segmentation;

/// <summary>
/// SAM's parts against benchmarks/pytorch/sam.py (an independent transcription of the official model) on the same
/// seeded weights: the image embedding, the grid position encoding, and low-res logits and IoU predictions for point,
/// multi-point, box and box + point + mask prompts, single- and multimask. The small configuration keeps windowed
/// attention with padding, global attention and every decoder part; the full ViT-B at 1024 px is in the Slow tests.
/// </summary>
public class SamPyTorchParityTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void EmbeddingAndDecodedMasksEqualTheTranscription()
    {
        TorchReference.Require();
        Check(SamReference.Tiny, seed: 3, rtol: 1e-4);
    }

    [SkippableFact]
    [Trait("Category", "Slow")]
    public void FullSizeVitBEqualsTheTranscription()
    {
        TorchReference.Require();
        Check(SamConfig.VitB, seed: 4, rtol: 1e-4);
    }

    private void Check(SamConfig config, ulong seed, double rtol)
    {
        torch.manual_seed(7);
        using var model = new Sam(config);
        SamReference.Randomize(model, seed);
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var size = config.ImageSize;
        var lowRes = 4 * config.EmbeddingSize;
        var image = torch.randn(1, 3, size, size);
        var inputs = SamReference.Weights(model);
        inputs["image"] = image;
        // Prompts in encoder-input pixels: a point, three points (one negative), a box, and box + point + mask.
        var prompts = new (string Name, float[]? Points, float[]? Labels, float[]? Box, bool Mask)[]
        {
            ("point", [0.3f * size, 0.6f * size], [1], null, false),
            ("points", [0.2f * size, 0.2f * size, 0.7f * size, 0.4f * size, 0.5f * size, 0.9f * size], [1, 0, 1], null, false),
            ("box", null, null, [0.1f * size, 0.15f * size, 0.8f * size, 0.7f * size], false),
            ("all", [0.4f * size, 0.45f * size], [0], [0.1f * size, 0.15f * size, 0.8f * size, 0.7f * size], true),
        };
        var mask = torch.randn(1, 1, lowRes, lowRes);
        inputs["mask"] = mask;
        var python = new List<string>();
        foreach (var p in prompts)
        {
            if (p.Points is not null)
            {
                inputs[p.Name + "_xy"] = torch.tensor(p.Points, 1, p.Points.Length / 2, 2);
                inputs[p.Name + "_labels"] = torch.tensor(p.Labels!, 1, p.Labels!.Length);
            }
            if (p.Box is not null)
            {
                inputs[p.Name + "_box"] = torch.tensor(p.Box, 1, 4);
            }
            var pts = p.Points is null ? "None" : $"(inp['{p.Name}_xy'], inp['{p.Name}_labels'])";
            var box = p.Box is null ? "None" : $"inp['{p.Name}_box']";
            var msk = p.Mask ? "inp['mask']" : "None";
            python.Add($"""
                sp, de = model.prompt_encoder({pts}, {box}, {msk})
                for mm in (True, False):
                    low, iou = model.mask_decoder(emb, pe, sp, de, mm)
                    out['{p.Name}_' + str(mm)] = dict(low=low, iou=iou)
                """);
        }

        var r = TorchReference.Run(SamReference.Prelude(config) + $$"""
with torch.no_grad():
    emb = model.image_encoder(inp["image"])
    pe = model.prompt_encoder.dense_pe()
    out["embedding"] = emb
    out["pe"] = pe
{{string.Join("\n", python.Select(s => string.Join("\n", s.Split('\n').Select(l => "    " + l))))}}
""", inputs);

        var embedding = model.image_encoder.forward(image);
        Close(TorchReference.Doubles(r.GetProperty("embedding")), embedding, rtol, "image embedding");
        var pe = model.prompt_encoder.get_dense_pe();
        Close(TorchReference.Doubles(r.GetProperty("pe")), pe, rtol, "dense position encoding");
        foreach (var p in prompts)
        {
            (Tensor, Tensor)? points = p.Points is null ? null : (inputs[p.Name + "_xy"], inputs[p.Name + "_labels"]);
            var (sparse, dense) = model.prompt_encoder.forward(points, p.Box is null ? null : inputs[p.Name + "_box"], p.Mask ? mask : null);
            foreach (var multimask in new[] { true, false })
            {
                var (low, iou) = model.mask_decoder.forward(embedding, pe, sparse, dense, multimask);
                var expected = r.GetProperty($"{p.Name}_{(multimask ? "True" : "False")}");
                Assert.Equal(new long[] { 1, multimask ? 3 : 1, lowRes, lowRes }, low.shape);
                Close(TorchReference.Doubles(expected.GetProperty("low")), low, rtol, $"{p.Name} low-res logits (multimask {multimask})");
                Close(TorchReference.Doubles(expected.GetProperty("iou")), iou, rtol, $"{p.Name} IoU predictions (multimask {multimask})");
            }
        }
    }

    // Asserts closeness and prints the worst relative difference (shown with --logger "console;verbosity=detailed").
    private void Close(double[] expected, Tensor actual, double rtol, string what) =>
        output.WriteLine($"{what}: max |Δ| / max |reference| = {Checks.Close(expected, actual, rtol, what):E2}");
}
