using Vision.Data.Datasets;
using Vision.Engine.Configuration;
using Vision.Engine.Tests.Training;
using Vision.TestUtilities;

namespace Vision.Engine.Tests.Configuration;

/// <summary>Every config under configs/ builds into a trainer: a renamed option or component breaks these, not a user's run.</summary>
[Collection(TrainerCollection.Name)]
public sealed class ShippedConfigTests
{
    public static TheoryData<string> Configs()
    {
        var root = RepositoryPaths.Combine("configs");
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories)
                     .Where(f => !Path.GetRelativePath(root, f).StartsWith("_base_", StringComparison.Ordinal)).Order())
        {
            data.Add(Path.GetRelativePath(root, file));
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Configs))]
    public void BuildsIntoATrainer(string relativePath)
    {
        Skip.IfNot(File.Exists(Path.Combine(FashionMnist.DefaultRoot, "train-labels-idx1-ubyte.gz")),
            $"Fashion-MNIST is not installed at {FashionMnist.DefaultRoot} (sudo apt-get install dataset-fashion-mnist).");
        var workDir = Directory.CreateTempSubdirectory("vision-shipped-config-").FullName;
        try
        {
            using var experiment = Experiment.FromConfig(Config.FromFile(RepositoryPaths.Combine("configs/" + relativePath)), workDir);
            using var trainer = experiment.CreateTrainer().Build();
            Assert.Equal(experiment.Classes.Count, experiment.Model.num_classes);
            Assert.NotEmpty(trainer.Optimizer.param_groups);
            Assert.NotEmpty(trainer.Evaluators);
        }
        finally
        {
            Directory.Delete(workDir, recursive: true);
        }
    }
}
