using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Vision.Cli.Inference;
using Vision.Engine.Training;
using Vision.Engine.Visualization.Tsne;

namespace Vision.Cli.Commands;

/// <summary>
/// <c>vision tsne config checkpoint</c>: the t-SNE of the model's pooled features (<c>extract_feat</c>) over the config's
/// test data (validation data when it has none), drawn as a scatter coloured by class into <c>{work_dir}/tsne/tsne.png</c>
/// (MMPreTrain's <c>tools/visualization/vis_tsne.py</c>).
/// </summary>
public static class TsneCommand
{
    /// <summary>The picture's folder under the work dir.</summary>
    public const string FolderName = "tsne";

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var shared = new ConfigArguments();
        var checkpoint = new Argument<string>("checkpoint") { Description = "The weights: a checkpoint folder written by train or a .safetensors state dict." };
        var limit = new Option<int>("--max-samples", "-n") { Description = "Embed at most this many samples (the first ones of the data).", DefaultValueFactory = _ => 10000 }.MustBePositive();
        var ema = new Option<bool>("--ema") { Description = "Use the EMA weights of a trainer checkpoint." };
        var command = new Command("tsne", "Draw the t-SNE of a trained model's features of the test data, coloured by class.");
        shared.AddTo(command);
        command.Arguments.Add(checkpoint);
        command.Options.Add(limit);
        command.Options.Add(ema);
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            using var experiment = shared.Load(result);
            var loader = experiment.TestDataLoader ?? experiment.ValDataLoader
                ?? throw new ArgumentException("tsne needs a test_dataloader or val_dataloader in the config.");
            using var trainer = experiment.CreateTrainer().Build();
            CheckpointWeights.Load(experiment.Model, result.GetRequiredValue(checkpoint), result.GetValue(ema), null);
            var preprocessor = trainer.Services.GetRequiredService<IDataPreprocessor>();
            var max = result.GetValue(limit);
            var features = new List<Tensor>();
            var labels = new List<int>();
            experiment.Model.eval();
            using (torch.no_grad())
            {
                foreach (var batch in loader.Epoch(0))
                {
                    using (batch)
                    {
                        using var scope = torch.NewDisposeScope();
                        var (inputs, targets) = preprocessor.Process(batch, training: false, new Random(0));
                        var take = Math.Min(batch.Count, max - labels.Count);
                        features.Add(experiment.Model.extract_feat(inputs)[^1].flatten(1).slice(0, 0, take).cpu().MoveToOuterDisposeScope());
                        labels.AddRange(targets.cpu().data<long>().ToArray().Take(take).Select(l => (int)l));
                    }
                    if (labels.Count >= max)
                    {
                        break;
                    }
                }
            }
            using var all = torch.cat(features, 0);
            features.ForEach(f => f.Dispose());
            var tsne = new BarnesHutTsne();
            var embedding = tsne.FitTransform(all);
            var path = Path.Combine(Path.GetFullPath(experiment.Options.WorkDir), FolderName, "tsne.png");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var classes = loader.Dataset.Classes ?? Enumerable.Range(0, labels.Max() + 1).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToList();
            TsneScatterChart.Save(embedding, labels, classes, path, $"t-SNE of {all.size(1)}-d features, {labels.Count} samples");
            output.WriteLine($"{labels.Count} samples, {all.size(1)}-d features, KL {tsne.KullbackLeibler:F4}, {tsne.Elapsed.TotalSeconds:F1} s");
            output.WriteLine(path);
            return 0;
        });
        return command;
    }
}
