using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Vision.Cli.Output;
using Vision.Engine.Evolve;

namespace Vision.Cli.Commands;

/// <summary>
/// <c>vision evolve &lt;config&gt; --generations N --epochs E</c>: YOLOv5's hyperparameter evolution of a config
/// (<see cref="Evolution.Run"/>). Every generation trains one candidate for the budget and appends a row to
/// <c>evolve.csv</c>; at the end the best hyperparameters are written as <c>best_overrides.txt</c> (a response file:
/// <c>vision train config.json @best_overrides.txt</c>) and <c>best_config.json</c>, with <c>evolve.png</c> and
/// <c>evolve_fitness.png</c>. The options below only set keys of the config's <c>evolve</c> section, which
/// <c>--set evolve:…</c> reaches too (search space: <c>--set evolve:space:lr=[1,1e-4,0.3]</c>, <c>--set 'evolve:keys=["lr"]'</c>).
/// </summary>
public static class EvolveCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var shared = new ConfigArguments("Where evolve.csv, the candidates' logs, the best config and the plots go; default work_dirs/{config name}_evolve.");
        var generations = new Option<int>("--generations") { Description = "Generations in all, those already in evolve.csv included.", Required = true };
        var epochs = new Option<int?>("--epochs") { Description = "Each candidate's budget in epochs (trainer.max_epochs)." };
        var iters = new Option<long?>("--iters") { Description = "Each candidate's budget in iterations (trainer.max_iters)." };
        var seed = new Option<long>("--seed") { Description = "The seed of parent selection and mutation (default 0)." };
        var resume = new Option<bool>("--resume") { Description = "Continue the results in the work dir's evolve.csv, or join other processes evolving there." };
        var parent = new Option<string>("--parent") { Description = "Parent selection: single (one of the top 5, by fitness) or weighted (their fitness-weighted mean); evolve:parent." };
        parent.AcceptOnlyFromAmong("single", "weighted");
        var strategy = new Option<string>("--strategy") { Description = "evolve (YOLOv5's mutation) or random (uniform within the bounds, for comparison); evolve:strategy." };
        strategy.AcceptOnlyFromAmong("evolve", "random");
        var fitness = new Option<string>("--fitness") { Description = "Weighted validation metrics, e.g. accuracy/top1=0.9,accuracy/top5=0.1 (default accuracy/top1); evolve:fitness." };
        var earlyStop = new Option<string>("--early-stop") { Description = "Stop hopeless candidates: median (the median stopping rule) or none; evolve:early_stopping." };
        earlyStop.AcceptOnlyFromAmong("median", "none");
        var command = new Command("evolve", "Evolve a config's hyperparameters with YOLOv5's genetic search (resumable, shareable between processes).");
        shared.AddTo(command);
        foreach (var option in new Option[] { generations, epochs, iters, seed, resume, parent, strategy, fitness, earlyStop })
        {
            command.Options.Add(option);
        }
        command.SetAction((result, cancellationToken) =>
        {
            var output = result.InvocationConfiguration.Output;
            var console = CliConsole.Create(output);
            var overrides = shared.Overrides(result).ToList();
            void Setting(Option<string> option, string key)
            {
                if (result.GetValue(option) is { } value)
                {
                    overrides.Add($"evolve:{key}={value}");
                }
            }
            Setting(parent, "parent");
            Setting(strategy, "strategy");
            Setting(fitness, "fitness");
            Setting(earlyStop, "early_stopping");
            var options = new EvolveOptions
            {
                Generations = result.GetValue(generations),
                Epochs = result.GetValue(epochs),
                Iters = result.GetValue(iters),
                Seed = result.GetValue(seed),
                Overrides = overrides,
                WorkDir = shared.WorkDir(result),
                Resume = result.GetValue(resume),
                Log = line => console.WriteLine(line),
            };
            var evolved = Evolution.Run(shared.ConfigPath(result), options, ConfigArguments.WriteTo(output), cancellationToken);
            Print(evolved, console);
            return Task.FromResult(evolved.Interrupted ? TrainCommand.InterruptedExitCode : 0);
        });
        return command;
    }

    private static void Print(EvolveResult result, IAnsiConsole console)
    {
        var best = result.Best;
        var table = CliConsole.Table("hyperparameter", "start", "best").AlignRight(1, 2);
        for (var i = 0; i < result.Space.Parameters.Count; i++)
        {
            table.AddTextRow(result.Space.Parameters[i].Name, SearchSpace.Format(result.Records[0].Values[i]), SearchSpace.Format(best.Values[i]));
        }
        console.Write(table);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"best: generation {best.Generation} of {result.Records.Count}, fitness {best.Fitness:0.#####} (generation 0: {result.Records[0].Fitness:0.#####})"));
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"early stopping saved: {result.ComputeSaved:P1} of the iteration budget"));
        console.WriteLine($"results:        {result.CsvFile}");
        console.WriteLine($"best overrides: {result.BestOverridesFile}");
        console.WriteLine($"best config:    {result.BestConfigFile}");
        console.WriteLine($"plots:          {result.PlotFile}, {result.FitnessPlotFile}");
    }
}
