using System.CommandLine;
using Vision.Engine.Visualization.Gallery;

namespace Vision.Cli.Commands;

/// <summary>
/// <c>vision browse-dataset config [--phase train] [-n 16]</c>: a grid of images exactly as the model receives them
/// (MMPreTrain's <c>tools/visualization/browse_dataset.py</c>): the phase's pipeline, and for training the batch
/// augments (Mixup/CutMix) with the mixed labels as captions (<see cref="DatasetBrowser"/>). Written to
/// <c>{work_dir}/browse_{phase}.png</c>.
/// </summary>
public static class BrowseDatasetCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var shared = new ConfigArguments();
        var phase = new Option<string>("--phase") { Description = "train, val or test.", DefaultValueFactory = _ => "train" };
        var count = new Option<int>("-n") { Description = "How many images to show.", DefaultValueFactory = _ => 16 }.MustBePositive();
        var command = new Command("browse-dataset", "Draw images after the config's data pipeline (and batch augments), with their labels.");
        shared.AddTo(command);
        command.Options.Add(phase);
        command.Options.Add(count);
        command.SetAction(result =>
        {
            using var experiment = shared.Load(result);
            var name = result.GetRequiredValue(phase);
            var tiles = DatasetBrowser.Tiles(experiment, name, result.GetValue(count));
            var path = Path.Combine(Path.GetFullPath(experiment.Options.WorkDir), $"browse_{name}.png");
            ImageGrid.Save(tiles, path, $"{name} pipeline of {Path.GetFileName(result.GetRequiredValue(shared.ConfigArgument))}: {tiles.Count} images", columns: 8);
            result.InvocationConfiguration.Output.WriteLine(path);
            return 0;
        });
        return command;
    }
}
