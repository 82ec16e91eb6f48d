using Vision.Data.Image;
using Vision.Engine.Inference;

namespace Vision.Engine.Tests.Inference;

public sealed class ImageClassificationInferencerTests : IDisposable
{
    private static readonly float[] Weight = [0.3f, 0.01f, 0f, -0.02f, 0.2f, 0f, 0f, 0.01f, -0.1f, 0f, -0.03f, 0.15f];
    private static readonly float[] Bias = [0.1f, -0.2f, 0f, 0.3f];
    private static readonly string[] Classes = ["w", "x", "y", "z"];

    private static readonly ImageClassificationInferencerOptions Preprocessing = new()
    {
        ResizeScale = 20,
        CropSize = 16,
        Mean = [100, 110, 120],
        Std = [50, 40, 30],
        BatchSize = 2,
    };

    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("vision-infer-");

    public void Dispose() => folder.Delete(recursive: true);

    private string Root => folder.FullName;

    private static Tensor Solid(int height, int width, byte r, byte g, byte b) =>
        torch.tensor(Enumerable.Range(0, height * width).SelectMany(_ => new[] { r, g, b }).ToArray(), height, width, 3);

    private static Tensor Noise(int height, int width, int seed)
    {
        var rng = new Random(seed);
        return torch.tensor(Enumerable.Range(0, height * width * 3).Select(_ => (byte)rng.Next(256)).ToArray(), height, width, 3);
    }

    private string Write(string relativePath, Tensor image)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (image)
        {
            ImageIO.Write(path, image);
        }
        return path;
    }

    // Softmax of weight · ((rgb - mean) / std) + bias, in double: a constant image stays constant through resize and crop.
    private static double[] Expected(double r, double g, double b)
    {
        double[] x = [(r - 100) / 50, (g - 110) / 40, (b - 120) / 30];
        var logits = Enumerable.Range(0, 4).Select(k => Bias[k] + Enumerable.Range(0, 3).Sum(c => Weight[k * 3 + c] * x[c])).ToArray();
        var max = logits.Max();
        var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        return exp.Select(e => e / exp.Sum()).ToArray();
    }

    [Fact]
    public void FolderImagesGetHandComputedSoftmaxScores()
    {
        var b = Write("b.png", Solid(30, 40, 200, 10, 120));
        var a = Write("sub/a.png", Solid(25, 25, 0, 255, 60));
        var c = Write("sub/deep/c.png", Solid(40, 22, 130, 130, 250));
        File.WriteAllText(Path.Combine(Root, "sub", "notes.txt"), "not an image");
        var model = new TinyClassifier(4, convolve: false);
        model.SetHead(Weight, Bias);
        var inferencer = new ImageClassificationInferencer(model, Preprocessing, Classes);

        var results = inferencer.Infer(Root);

        Assert.Equal([b, a, c], results.Select(r => r.ImagePath));
        double[][] expected = [Expected(200, 10, 120), Expected(0, 255, 60), Expected(130, 130, 250)];
        for (var i = 0; i < results.Count; i++)
        {
            var result = results[i];
            Numerics.AssertClose(expected[i], result.PredScores.Select(s => (double)s).ToArray(), 1e-5, $"scores of {result.ImagePath}");
            Assert.Equal(1.0, result.PredScores.Sum(s => (double)s), 5);
            var label = Array.IndexOf(expected[i], expected[i].Max());
            Assert.Equal(label, result.PredLabel);
            Assert.Equal(Classes[label], result.PredClass);
            Assert.Equal(result.PredScores[label], result.PredScore);
        }
        Assert.Equal([0, 1, 3], results.Select(r => r.PredLabel));
        Assert.Equal(results.Select(r => r.PredScores), inferencer.Infer(Root).Select(r => r.PredScores));
    }

    [Fact]
    public void BatchesGiveTheSameResultsAsOneByOne()
    {
        var model = new TinyClassifier(5, convolve: true, seed: 3);
        (int H, int W)[] sizes = [(30, 40), (24, 24), (41, 19), (20, 33), (28, 28)];
        var images = sizes.Select((s, i) => Noise(s.H, s.W, i)).ToList();
        var copies = images.Select(i => i.clone()).ToList();
        var files = images.Select((image, i) => Write($"img{i}.png", image.clone())).ToList();
        var options = new ImageClassificationInferencerOptions { ResizeScale = 24, CropSize = 20, BatchSize = 3 };

        var batched = new ImageClassificationInferencer(model, options).Infer(files);
        var single = new ImageClassificationInferencer(model, new() { ResizeScale = 24, CropSize = 20, BatchSize = 1 }).Infer(files);
        var inMemory = new ImageClassificationInferencer(model, options).Infer(images);

        for (var i = 0; i < files.Count; i++)
        {
            Numerics.AssertClose(single[i].PredScores.Select(s => (double)s).ToArray(), batched[i].PredScores.Select(s => (double)s).ToArray(), 1e-6, $"batched image {i}");
            Numerics.AssertClose(single[i].PredScores.Select(s => (double)s).ToArray(), inMemory[i].PredScores.Select(s => (double)s).ToArray(), 1e-6, $"in-memory image {i}");
            Assert.Equal(files[i], batched[i].ImagePath);
            Assert.Null(inMemory[i].ImagePath);
            Assert.Null(batched[i].PredClass);
            Assert.True(images[i].equal(copies[i]), $"in-memory image {i} was changed");
        }
        // Two batches, five single images, two batches; all in eval mode under inference mode.
        Assert.Equal(Enumerable.Repeat((false, true), 2 + 5 + 2), model.Calls);
    }

    [Fact]
    public void RunsInEvalModeUnderInferenceModeAndRestoresModes()
    {
        var path = Write("one.png", Noise(20, 20, 7));
        var model = new TinyClassifier(3, convolve: true);
        model.train();
        model.Head.eval();
        var inferencer = new ImageClassificationInferencer(model, new() { ResizeScale = 0, CropSize = 0 });

        var first = inferencer.Infer(path);
        var second = inferencer.Infer(path);

        Assert.Equal([(false, true), (false, true)], model.Calls);
        Assert.Equal(first[0].PredScores, second[0].PredScores);
        Assert.True(model.training);
        Assert.True(model.modules().Single(m => m is Vision.nn.Dropout).training);
        Assert.False(model.Head.training);
    }

    [Fact]
    public void UnreadableImagesAreNamed()
    {
        Write("good.png", Noise(20, 20, 1));
        var broken = Path.Combine(Root, "broken.png");
        File.WriteAllBytes(broken, [1, 2, 3, 4, 5]);
        var inferencer = new ImageClassificationInferencer(new TinyClassifier(2, convolve: false), new() { BatchSize = 4 });

        var e = Assert.Throws<InvalidDataException>(() => inferencer.Infer(Root));
        Assert.Contains(broken, e.Message, StringComparison.Ordinal);
        var missing = Path.Combine(Root, "missing.jpg");
        var notFound = Assert.Throws<FileNotFoundException>(() => inferencer.Infer(missing));
        Assert.Contains(missing, notFound.Message, StringComparison.Ordinal);
        var empty = Directory.CreateDirectory(Path.Combine(Root, "empty")).FullName;
        e = Assert.Throws<InvalidDataException>(() => inferencer.Infer(empty));
        Assert.Contains($"The folder {empty} holds no images", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChecksClassNamesAndImagesAgainstTheModel()
    {
        using var image = Noise(16, 16, 2);
        var inferencer = new ImageClassificationInferencer(new TinyClassifier(4, convolve: false), new() { CropSize = 0 }, classes: ["a", "b", "c"]);
        var e = Assert.Throws<InvalidOperationException>(() => inferencer.Infer([image]));
        Assert.Equal("The model scores 4 classes but 3 class names were given.", e.Message);
        using var gray = torch.zeros([16, 16, 1], ScalarType.Byte);
        var bad = Assert.Throws<ArgumentException>(() => inferencer.Infer([gray]));
        Assert.Contains("Image 0 must be a uint8 (H, W, 3) tensor for Rgb inference", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidOptionsAreListedOneLineEach()
    {
        var options = new ImageClassificationInferencerOptions { ResizeScale = -1, CropSize = -2, BatchSize = 0, Std = [1, 0, 1] };
        var e = Assert.Throws<ArgumentException>(() => new ImageClassificationInferencer(new TinyClassifier(2, convolve: false), options));
        Assert.Equal(
            string.Join(Environment.NewLine,
                "Invalid ImageClassificationInferencerOptions:",
                "ResizeScale must be positive, or 0 to keep the size, got -1.",
                "CropSize must be positive, or 0 to skip the crop, got -2.",
                "BatchSize must be at least 1, got 0.",
                "Std values must be positive and finite, got [1, 0, 1]."),
            e.Message);
    }

    [Fact]
    public void WeightsThatAreNotFiniteAreAnErrorNamingThemInsteadOfNaNScores()
    {
        Write("a.png", Solid(20, 20, 10, 20, 30));
        var model = new TinyClassifier(4, convolve: false);
        model.SetHead([.. Weight.Select((w, i) => i == 4 ? float.NaN : w)], Bias);

        var e = Assert.Throws<InvalidDataException>(() => new ImageClassificationInferencer(model, Preprocessing, Classes).Infer(Root));

        Assert.Equal("The model's weights are not finite (NaN or infinity in head.weight), so its scores are NaN; the checkpoint is broken (e.g. saved after the loss diverged).", e.Message);
    }
}
