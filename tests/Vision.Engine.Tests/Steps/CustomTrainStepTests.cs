using Vision.Data;
using Vision.Data.Datasets;
using Vision.Engine.Hooks;
using Vision.Engine.Optim;
using Vision.Engine.Steps;
using Vision.Engine.Tests.Training;
using Vision.Engine.Training;
using Vision.Models;
using Vision.Models.Heads;
using Vision.Models.Registry;
using F = Vision.nn.functional;

namespace Vision.Engine.Tests.Steps;

/// <summary>
/// A replaceable training step: CAS-ViT trained with its distillation head through a two-term loss that the default
/// classifier step cannot express (the class head learns the labels, the distillation head a teacher's labels).
/// </summary>
[Collection(TrainerCollection.Name)]
public sealed class CustomTrainStepTests : IDisposable
{
    private const double DistWeight = 0.5;
    private readonly TrainingFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    // The "teacher" disagrees with the labels, so only a loss that trains dist_head on its own targets fits both.
    private static Tensor TeacherLabels(Tensor labels) => labels.add(1).remainder(2);

    /// <summary>loss = CE(head, labels) + 0.5 · CE(dist_head, teacher labels), each term logged.</summary>
    private sealed class DistillationStep : ITrainStep
    {
        public TrainStepOutput Run(Batch batch, TrainStepContext context)
        {
            var (inputs, targets) = context.Preprocess(batch);
            var classifier = (ImageClassifier)context.Model;
            var head = (CasViTHead)classifier.head;
            Tensor cls, dist;
            using (context.OptimWrapper.Autocast())
            {
                (cls, dist) = head.forward_distillation(classifier.extract_feat(inputs));
            }
            var clsLoss = F.cross_entropy(cls.to(ScalarType.Float32), targets);
            var distLoss = F.cross_entropy(dist.to(ScalarType.Float32), TeacherLabels(targets));
            context.Trainer.Logs.UpdateScalar("train/loss_cls", clsLoss.item<double>());
            context.Trainer.Logs.UpdateScalar("train/loss_dist", distLoss.item<double>());
            return context.OptimWrapper.UpdateParams(clsLoss + DistWeight * distLoss, batch.Count);
        }
    }

    private sealed class NoUpdateStep : ITrainStep
    {
        public TrainStepOutput Run(Batch batch, TrainStepContext context) => new(0, batch.Count, false, false, null);
    }

    private sealed class LossRecorder : Hook
    {
        public List<(double Total, double Cls, double Dist)> Losses { get; } = [];

        public override void AfterTrainIter(Trainer trainer, int batchIndex, Batch batch, TrainStepOutput output)
        {
            trainer.Logs.TryGetScalar("train/loss_cls", out var cls);
            trainer.Logs.TryGetScalar("train/loss_dist", out var dist);
            Losses.Add((output.Loss, cls!.Current, dist!.Current));
        }
    }

    // Eight 32×32 RGB images of two classes: the class is which half of the image is bright.
    private static InMemoryDataset Halves()
    {
        var random = new Random(5);
        const int count = 8, side = 32;
        var pixels = new byte[count * side * side * 3];
        var labels = new long[count];
        for (var n = 0; n < count; n++)
        {
            labels[n] = n % 2;
            for (var i = 0; i < side * side * 3; i++)
            {
                var x = i / 3 % side;
                var bright = (x < side / 2) == (labels[n] == 0);
                pixels[n * side * side * 3 + i] = (byte)((bright ? 180 : 70) + random.Next(-50, 51));
            }
        }
        return new InMemoryDataset(torch.tensor<byte>(pixels, [count, side, side, 3]), torch.tensor<long>(labels, [count]));
    }

    private static ImageClassifier CasViTWithDistillation()
    {
        torch.manual_seed(11);
        return ModelRegistry.Create("cas-vit-xs", new ModelOptions
        {
            NumClasses = 2,
            ImageSize = 32,
            Overrides = new Dictionary<string, string> { ["distillation"] = "true" },
        });
    }

    [Fact]
    public void CasViTTrainsBothHeadsWithATwoTermDistillationLossThroughACustomStep()
    {
        using var data = Halves();
        using var model = CasViTWithDistillation();
        var head = (CasViTHead)model.head;
        using var loader = TrainingFixture.Loader(data, batchSize: 8);
        var recorder = new LossRecorder();

        // The loss of the first batch by the formula, on the initial weights: -mean log softmax at the target.
        double expected;
        using (torch.NewDisposeScope())
        using (torch.no_grad())
        {
            model.train();
            using var batch = loader.First();
            var inputs = batch.Images.to(ScalarType.Float32).sub(127.5).div(127.5);
            var (cls, dist) = head.forward_distillation(model.extract_feat(inputs));
            static double CrossEntropy(Tensor logits, Tensor targets) =>
                -F.log_softmax(logits, 1).gather(1, targets.unsqueeze(1)).mean().item<double>();
            expected = CrossEntropy(cls, batch.Targets) + DistWeight * CrossEntropy(dist, TeacherLabels(batch.Targets));
        }
        var initialHead = head.head.weight.detach().clone();
        var initialDist = head.dist_head!.weight.detach().clone();

        var result = fixture.Builder(model, loader)
            .WithOptimizer(m => new AdamW(m.parameters(), lr: 2e-3))
            .WithTrainStep(new DistillationStep())
            .WithHooks(recorder)
            .WithOptions(o =>
            {
                o.MaxEpochs = 30;
                o.DataPreprocessor.Mean = [127.5, 127.5, 127.5];
                o.DataPreprocessor.Std = [127.5, 127.5, 127.5];
            })
            .Fit();

        Assert.Equal(30, result.OptimizerSteps);
        // BatchNorm's running statistics moved once more in the reference pass above; the training output does not use them.
        Assert.Equal(expected, recorder.Losses[0].Total, 1e-5);
        Assert.Equal(recorder.Losses[0].Cls + DistWeight * recorder.Losses[0].Dist, recorder.Losses[0].Total, 1e-6);
        // Both terms fall: the class head learns the labels and the distillation head the teacher's opposite labels.
        var last = recorder.Losses[^1];
        Assert.True(last.Cls < 0.5 * recorder.Losses[0].Cls, $"class term {recorder.Losses[0].Cls} -> {last.Cls}");
        Assert.True(last.Dist < 0.5 * recorder.Losses[0].Dist, $"distillation term {recorder.Losses[0].Dist} -> {last.Dist}");
        Assert.False(head.dist_head.weight.allclose(initialDist), "dist_head got no gradient");
        Assert.False(head.head.weight.allclose(initialHead), "head got no gradient");
        using (torch.NewDisposeScope())
        using (torch.no_grad())
        {
            model.eval();
            using var batch = loader.First();
            var inputs = batch.Images.to(ScalarType.Float32).sub(127.5).div(127.5);
            var (cls, dist) = head.forward_distillation(model.extract_feat(inputs));
            Assert.Equal(batch.Targets.data<long>(), cls.argmax(1).data<long>());
            Assert.Equal(TeacherLabels(batch.Targets).data<long>(), dist.argmax(1).data<long>());
        }
    }

    [Fact]
    public void AStepThatHandsNoLossToTheOptimWrapperIsReportedByName()
    {
        using var data = TrainingFixture.Quadrants(8, seed: 1);
        using var model = TrainingFixture.Linear(1);
        using var loader = TrainingFixture.Loader(data, batchSize: 4);

        var error = Assert.Throws<InvalidOperationException>(() => fixture.Builder(model, loader)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1))
            .WithTrainStep(new NoUpdateStep())
            .WithOptions(o => o.MaxEpochs = 1)
            .Fit());

        Assert.Contains("NoUpdateStep handed 0 losses to OptimWrapper.UpdateParams", error.Message);
    }
}
