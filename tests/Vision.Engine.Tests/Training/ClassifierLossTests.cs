using Microsoft.Extensions.DependencyInjection;
using Vision.Engine.Optim;
using Vision.Engine.Training;
using Vision.Models.Losses;
using Vision.Models.Registry;
using F = Vision.nn.functional;

namespace Vision.Engine.Tests.Training;

[Collection(TrainerCollection.Name)]
public sealed class ClassifierLossTests : IDisposable
{
    private readonly TrainingFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    [Fact]
    public void AnImageClassifierTrainsWithItsOwnLossAndOtherModelsWithCrossEntropy()
    {
        using var data = TrainingFixture.Quadrants(8, seed: 1);
        using var loader = TrainingFixture.Loader(data, 4);
        using var classifier = ModelRegistry.Create("resnet18",
            new ModelOptions { NumClasses = 4, ImageSize = 32, Loss = new CrossEntropyLoss(label_smoothing: 0.2) });
        using var mlp = TrainingFixture.Mlp(seed: 1);
        using var logits = torch.tensor(new float[] { 2, -1, 0.5f, 0, -3, 1, 1, 0.25f }, [2, 4]);
        using var labels = torch.tensor(new long[] { 0, 3 }, [2]);

        double LossOf(Vision.nn.Module<Tensor, Tensor> model)
        {
            using var trainer = fixture.Builder(model, loader).WithOptimizer(m => new SGD(m.parameters(), lr: 0.1)).WithOptions(o => o.MaxEpochs = 1).Build();
            using var loss = trainer.Services.GetRequiredService<LossFunction>()(logits, labels);
            return loss.item<float>();
        }

        using var smoothed = F.cross_entropy(logits, labels, label_smoothing: 0.2);
        using var plain = F.cross_entropy(logits, labels);
        Assert.Equal(smoothed.item<float>(), LossOf(classifier), 6);
        Assert.Equal(plain.item<float>(), LossOf(mlp), 6);
        Assert.NotEqual(Math.Round(smoothed.item<float>(), 3), Math.Round(plain.item<float>(), 3));
    }
}
