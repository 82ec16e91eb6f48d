using System.CommandLine;
using Spectre.Console;
using Vision.Cli.Output;
using Vision.Models;
using Vision.Models.Analysis;
using Vision.Models.Registry;

namespace Vision.Cli.Commands;

/// <summary>
/// <c>vision list-models [pattern] [--params]</c>: the registered architectures (timm's <c>list_models</c>), with
/// aliases and descriptions, and on request their size and cost. Models are only built for <c>--params</c>, one at
/// a time, and freed before the next, so listing stays instant and a large pattern does not hold every model at once.
/// </summary>
public static class ListModelsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var pattern = new Argument<string>("pattern")
        {
            Description = "Model names to list: '*' matches any run of characters, '?' one character, case ignored (e.g. 'vit*').",
            DefaultValueFactory = _ => "*",
        };
        var withParams = new Option<bool>("--params")
        {
            Description = "Also build each model and print its parameter count and MACs for one image.",
        };
        var imageSize = new Option<int>("--img-size")
        {
            Description = "Image side in pixels the models are built for and the MACs are counted at (with --params).",
            DefaultValueFactory = _ => 224,
        }.MustBePositive();
        var numClasses = new Option<int>("--num-classes")
        {
            Description = "Classes of the models' heads (with --params).",
            DefaultValueFactory = _ => 1000,
        }.MustBePositive();

        var command = new Command("list-models", "List the registered model architectures, optionally with parameters and MACs.")
        {
            pattern, withParams, imageSize, numClasses,
        };
        command.SetAction(result => Run(
            result.GetRequiredValue(pattern), result.GetValue(withParams), result.GetValue(imageSize), result.GetValue(numClasses),
            result.InvocationConfiguration.Output));
        return command;
    }

    private static int Run(string pattern, bool withParams, int imageSize, int numClasses, TextWriter output)
    {
        var names = ModelRegistry.ListModels(pattern);
        if (names.Count == 0)
        {
            throw new ArgumentException($"No model name or alias matches '{pattern}'; 'vision list-models' lists them all.");
        }
        var table = withParams
            ? CliConsole.Table("model", "aliases", "params", "MACs", "description").AlignRight(2, 3)
            : CliConsole.Table("model", "aliases", "description");
        foreach (var name in names)
        {
            var info = ModelRegistry.Get(name);
            var aliases = string.Join(", ", info.Aliases);
            if (withParams)
            {
                using var model = ModelRegistry.CreateModule(name, new ModelOptions { NumClasses = numClasses, ImageSize = imageSize });
                if (model is ImageClassifier classifier)
                {
                    var summary = ModelSummary.Create(classifier, imageSize);
                    table.AddTextRow(name, aliases, ModelSummary.FormatCount(summary.TotalParameters), ModelSummary.FormatMacs(summary.TotalMacs), info.Description);
                }
                else
                {
                    // Not a classifier (e.g. Segment Anything): its own fixed input, no single forward to count MACs on.
                    table.AddTextRow(name, aliases, ModelSummary.FormatCount(model.parameters().Sum(p => p.numel())), "—", info.Description);
                }
            }
            else
            {
                table.AddTextRow(name, aliases, info.Description);
            }
        }
        var console = CliConsole.Create(output);
        console.Write(table);
        if (withParams)
        {
            console.WriteLine($"Parameters and MACs of one {imageSize}×{imageSize} image with {numClasses} classes.");
        }
        return 0;
    }
}
