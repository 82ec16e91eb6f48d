using Vision.Data.Image;
using Vision.Engine.Configuration;
using Vision.Engine.Tests.Training;
using Vision.TestUtilities;

namespace Vision.Engine.Tests.Configuration;

/// <summary>
/// The benchmark configs build into trainers, on small image folders in place of their data: a stricter check or a
/// renamed option breaks these, not the next benchmark run.
/// </summary>
[Collection(TrainerCollection.Name)]
public sealed class BenchmarkConfigTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("vision-benchmark-config-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Theory]
    [InlineData("benchmarks/end_to_end/resnet18_folder.json", new[] { "train_dataloader:dataset:root" })]
    [InlineData("benchmarks/evolve/resnet18_fashion-mnist-subset.json",
        new[] { "train_dataloader:dataset:root", "val_dataloader:dataset:root", "test_dataloader:dataset:root" })]
    public void BuildsIntoATrainer(string path, string[] dataRoots)
    {
        // Ten classes (one 8x8 image each), as the Fashion-MNIST config's top-5 accuracy needs.
        for (var label = 0; label < 10; label++)
        {
            Directory.CreateDirectory(Path.Combine(root, "data", $"class{label}"));
            using var image = torch.full([8, 8, 3], 20 * label, dtype: ScalarType.Byte);
            ImageIO.Write(Path.Combine(root, "data", $"class{label}", "0.png"), image);
        }
        var config = Config.FromFile(RepositoryPaths.Combine(path), dataRoots.Select(key => $"{key}={Path.Combine(root, "data")}"));
        using var experiment = Experiment.FromConfig(config, Path.Combine(root, "work"));
        using var trainer = experiment.CreateTrainer().Build();
        Assert.Equal(10, experiment.Model.num_classes);
        Assert.NotEmpty(trainer.Optimizer.param_groups);
    }
}
