using System.Globalization;
using Vision.Data;
using Vision.Engine.Hooks;
using Vision.Engine.Training;
using Vision.Engine.Visualization.Report;

namespace Vision.Engine.Visualization.Gallery;

/// <summary>
/// Collects the misclassified images of a test pass and draws them as a gallery, the most confident mistakes first:
/// each image as the model saw it (after the test pipeline's resize and crop), its true class and the top-3 classes
/// with their probabilities. Written to <c>{work_dir}/test/misclassified.png</c> after the test pass (main process).
/// <c>vision test</c> adds it; add it yourself with <c>builder.WithHooks(new MisclassifiedHook(classes))</c>.
/// </summary>
public sealed class MisclassifiedHook : Hook
{
    /// <summary>The most mistakes the gallery shows.</summary>
    public const int DefaultMaxExamples = 24;

    private readonly IReadOnlyList<string>? classes;
    private readonly int maxExamples;
    private readonly List<(double Confidence, GalleryTile Tile)> mistakes = [];

    /// <summary>Creates the hook.</summary>
    /// <param name="classes">Class names by label for the captions; null writes the labels.</param>
    /// <param name="maxExamples">The most mistakes to show.</param>
    public MisclassifiedHook(IReadOnlyList<string>? classes = null, int maxExamples = DefaultMaxExamples) : base(HookPriority.Low)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxExamples, 1);
        this.classes = classes;
        this.maxExamples = maxExamples;
    }

    /// <summary>The path of the gallery written by the last test pass, or null when it had no mistakes.</summary>
    public string? LastGallery { get; private set; }

    /// <inheritdoc/>
    public override void BeforeTest(Trainer trainer)
    {
        mistakes.Clear();
        LastGallery = null;
    }

    /// <inheritdoc/>
    public override void AfterTestIter(Trainer trainer, int batchIndex, Batch batch, Tensor logits)
    {
        if (batch.Targets.dim() != 1 || batch.Images.dtype != ScalarType.Byte)
        {
            return;
        }
        using var scope = torch.NewDisposeScope();
        var probabilities = logits.softmax(1).cpu();
        var (top, topClasses) = probabilities.topk(Math.Min(3, probabilities.size(1)), 1);
        var scores = top.contiguous().data<float>().ToArray();
        var predicted = topClasses.contiguous().data<long>().ToArray();
        var labels = batch.Targets.cpu().data<long>().ToArray();
        var k = (int)top.size(1);
        for (var i = 0; i < labels.Length; i++)
        {
            var confidence = scores[i * k];
            if (predicted[i * k] == labels[i] || (mistakes.Count >= maxExamples && confidence <= mistakes[^1].Confidence))
            {
                continue;
            }
            var lines = new List<string> { $"true: {Name(labels[i])}" };
            lines.AddRange(Enumerable.Range(0, k).Select(r => $"{Name(predicted[i * k + r])} {scores[i * k + r].ToString("0.00", CultureInfo.InvariantCulture)}"));
            mistakes.Add((confidence, GalleryTile.FromChw(batch.Images[i], lines)));
            mistakes.Sort((a, b) => b.Confidence.CompareTo(a.Confidence));
            if (mistakes.Count > maxExamples)
            {
                mistakes.RemoveAt(mistakes.Count - 1);
            }
        }
    }

    /// <inheritdoc/>
    public override void AfterTest(Trainer trainer)
    {
        if (!trainer.Distributed.IsMainProcess || mistakes.Count == 0)
        {
            return;
        }
        LastGallery = Path.Combine(trainer.TestReportDir, RunReport.MisclassifiedFileName);
        ImageGrid.Save(mistakes.Select(m => m.Tile).ToList(), LastGallery, $"Most confident mistakes ({mistakes.Count}): true class, then the top-3 predictions");
    }

    private string Name(long label) =>
        classes is not null && label < classes.Count ? classes[(int)label] : label.ToString(CultureInfo.InvariantCulture);
}
