using Vision.Engine.Checkpoints;
using Vision.Engine.Optim;
using Vision.Engine.Training;
using F = Vision.nn.functional;

namespace Vision.Engine.Tests.Training;

[Collection(TrainerCollection.Name)]
public sealed class NonFiniteLossTests : IDisposable
{
    private readonly TrainingFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    [Fact]
    public void ANanLossStopsWithEpochIterationAndValueAndKeepsTheLastGoodCheckpoint()
    {
        using var data = TrainingFixture.Quadrants(20, seed: 1);
        using var loader = TrainingFixture.Loader(data, 4);
        using var model = TrainingFixture.Linear(seed: 3);
        var calls = 0;
        // The loss of the 8th batch (epoch 2, its 3rd batch) is NaN.
        LossFunction poisoned = (logits, targets) => ++calls == 8 ? F.cross_entropy(logits, targets) * double.NaN : F.cross_entropy(logits, targets);

        var failure = Assert.Throws<NonFiniteLossException>(() => fixture.Builder(model, loader)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1))
            .WithLoss(poisoned)
            .WithOptions(o =>
            {
                o.MaxEpochs = 3;
                o.Checkpoint.RecoveryInterval = 100;
            })
            .Fit());

        var epoch1 = Path.Combine(fixture.CheckpointDir, "epoch_1");
        Assert.Equal(
            $"The loss is NaN at epoch 2, iteration 8 (batch 3 of the epoch); training stopped. The last good checkpoint is '{epoch1}': " +
            "resume from it (resume = \"auto\" or that path), e.g. with a lower learning rate or gradient clipping.",
            failure.Message);
        Assert.Equal((1, 7L, epoch1), (failure.Epoch, failure.Iter, failure.LastCheckpoint));
        Assert.True(double.IsNaN(failure.Loss));

        // No checkpoint of the broken state: epoch_1 stays the latest, complete and finite.
        var store = new FileCheckpointStore(fixture.CheckpointDir);
        Assert.Equal(["epoch_1"], store.List());
        Assert.Equal(epoch1, store.FindLatest());
        using var checkpoint = store.Load(epoch1);
        Assert.Equal((1, 0, 5L), (checkpoint.Meta.Epoch, checkpoint.Meta.BatchesConsumed, checkpoint.Meta.Iter));
        Assert.All(checkpoint.WithPrefix(Checkpoint.ModelPrefix).Values, t => Assert.True(t.isfinite().all().item<bool>()));
    }
}
