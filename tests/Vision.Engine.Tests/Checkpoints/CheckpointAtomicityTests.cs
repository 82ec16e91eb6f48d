using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Vision.Engine.Checkpoints;
using Vision.Engine.Optim;
using Vision.Engine.Tests.Training;

namespace Vision.Engine.Tests.Checkpoints;

[Collection(TrainerCollection.Name)]
public sealed class CheckpointAtomicityTests : IDisposable
{
    private readonly TrainingFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    /// <summary>A store whose writes fail after the first <c>goodSaves</c>, half-way through state.json (after the tensors).</summary>
    private sealed class CrashingStore(string root, int goodSaves) : FileCheckpointStore(root)
    {
        private int saves;

        protected override void WriteMeta(string directory, CheckpointMeta meta)
        {
            if (++saves <= goodSaves)
            {
                base.WriteMeta(directory, meta);
                return;
            }
            File.WriteAllText(Path.Combine(directory, StateFile), "{\"format_version\": 1, \"na");
            throw new IOException("simulated crash while writing state.json");
        }
    }

    private static Checkpoint Sample(string name, float value)
    {
        var checkpoint = new Checkpoint(new CheckpointMeta { Name = name, Iter = (long)value });
        checkpoint.Tensors["model.w"] = torch.full([3], value).DetachFromDisposeScope();
        return checkpoint;
    }

    [Fact]
    public void AFailureMidWriteLeavesThePreviousLatestCheckpointIntactAndNoPartialOne()
    {
        var store = new CrashingStore(fixture.CheckpointDir, goodSaves: 1);
        using (var first = Sample("epoch_1", 1))
        {
            store.Save("epoch_1", first, updateLatest: true);
        }
        using (var second = Sample("epoch_2", 2))
        {
            Assert.Throws<IOException>(() => store.Save("epoch_2", second, updateLatest: true));
        }

        Assert.Equal(["epoch_1"], store.List());
        Assert.Equal(Path.Combine(fixture.CheckpointDir, "epoch_1"), store.FindLatest());
        Assert.Equal("epoch_1", File.ReadAllText(Path.Combine(fixture.CheckpointDir, FileCheckpointStore.LatestFile)));
        Assert.Equal(["epoch_1", FileCheckpointStore.LatestFile], Directory.EnumerateFileSystemEntries(fixture.CheckpointDir).Select(Path.GetFileName).Order());
        using var loaded = store.Load("epoch_1");
        Assert.Equal([1f, 1f, 1f], loaded.Tensors["model.w"].data<float>());
        Assert.Equal(1, loaded.Meta.Iter);
    }

    [Fact]
    public void LeftoversOfAHardCrashAreInvisibleAndCleanedByTheNextSave()
    {
        var store = new FileCheckpointStore(fixture.CheckpointDir);
        using (var first = Sample("epoch_1", 1))
        {
            store.Save("epoch_1", first, updateLatest: true);
        }
        // A process killed mid-write leaves its temporary folder (with a partial tensor file) behind, and one killed
        // while replacing a checkpoint leaves the old copy moved aside.
        var temp = Directory.CreateDirectory(Path.Combine(fixture.CheckpointDir, $".tmp-epoch_2-{Guid.NewGuid():N}")).FullName;
        File.WriteAllBytes(Path.Combine(temp, FileCheckpointStore.TensorsFile), [1, 2, 3]);
        Directory.Move(Path.Combine(fixture.CheckpointDir, "epoch_1"), Path.Combine(fixture.CheckpointDir, $".old-epoch_1-{Guid.NewGuid():N}"));

        Assert.Empty(store.List());
        Assert.Null(store.FindLatest());

        using (var third = Sample("epoch_3", 3))
        {
            store.Save("epoch_3", third, updateLatest: true);
        }
        // The temporary folder is gone, and the checkpoint whose replacement never arrived is back.
        Assert.Equal(["epoch_1", "epoch_3", FileCheckpointStore.LatestFile], Directory.EnumerateFileSystemEntries(fixture.CheckpointDir).Select(Path.GetFileName).Order());
        using var restored = store.Load("epoch_1");
        Assert.Equal([1f, 1f, 1f], restored.Tensors["model.w"].data<float>());
    }

    [Fact]
    public void SavingUnderAnExistingNameReplacesIt()
    {
        var store = new FileCheckpointStore(fixture.CheckpointDir);
        using (var first = Sample("last", 1))
        {
            store.Save("last", first, updateLatest: true);
        }
        using (var second = Sample("last", 2))
        {
            store.Save("last", second, updateLatest: true);
        }
        using var loaded = store.Load("last");
        Assert.Equal([2f, 2f, 2f], loaded.Tensors["model.w"].data<float>());
        Assert.Equal(["last", FileCheckpointStore.LatestFile], Directory.EnumerateFileSystemEntries(fixture.CheckpointDir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void ACrashWhileTheTrainerSavesKeepsTheLastCheckpointResumable()
    {
        using var data = TrainingFixture.Quadrants(12, seed: 1);
        using var loader = TrainingFixture.Loader(data, 4);
        using var model = TrainingFixture.Linear(seed: 3);
        var store = new CrashingStore(fixture.CheckpointDir, goodSaves: 1);

        var failure = Assert.Throws<IOException>(() => fixture.Builder(model, loader)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1))
            .WithServices(s => s.Replace(ServiceDescriptor.Singleton<ICheckpointStore>(store)))
            .WithOptions(o => o.MaxEpochs = 3)
            .Fit());
        Assert.Equal("simulated crash while writing state.json", failure.Message);
        // The epoch_2 save failed, and so did the interrupt checkpoint the trainer then tried (logged, not thrown).
        Assert.Contains("Could not write a checkpoint after the training failure", fixture.ConsoleText.ToString());

        var plain = new FileCheckpointStore(fixture.CheckpointDir);
        Assert.Equal(["epoch_1"], plain.List());
        using var checkpoint = plain.Load(plain.FindLatest()!);
        Assert.Equal((1, 3L), (checkpoint.Meta.Epoch, checkpoint.Meta.Iter));
    }
}
