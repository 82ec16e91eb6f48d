using System.CommandLine;
using Spectre.Console;
using Vision.Cli.Output;
using Vision.Engine.Training;

namespace Vision.Cli.Commands;

/// <summary>
/// <c>vision train &lt;config&gt;</c>: trains the run a config file describes (MMPreTrain's <c>tools/train.py</c>).
/// The merged config is saved as <c>config.json</c> in the work dir first, so the run can be repeated from its outputs.
/// </summary>
public static class TrainCommand
{
    /// <summary>The exit code of a run interrupted by Ctrl-C (128 + SIGINT, as shells report it).</summary>
    public const int InterruptedExitCode = 130;

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var shared = new ConfigArguments();
        var resume = new Option<string>("--resume")
        {
            Description = "Continue an interrupted run: 'auto' (the newest checkpoint in the work dir) or a checkpoint folder.",
        };
        var command = new Command("train", "Train a model from a config file.");
        shared.AddTo(command);
        command.Options.Add(resume);
        command.SetAction((result, cancellationToken) =>
        {
            var output = result.InvocationConfiguration.Output;
            using var experiment = shared.Load(result);
            if (result.GetValue(resume) is { } from)
            {
                experiment.Options.Resume = from;
            }
            var fit = experiment.Fit(ConfigArguments.WriteTo(output), cancellationToken);
            Print(fit, experiment.Options.MaxIters, output);
            return Task.FromResult(fit.Reason == StopReason.Interrupted ? InterruptedExitCode : 0);
        });
        return command;
    }

    private static void Print(FitResult fit, long? maxIters, TextWriter output)
    {
        var console = CliConsole.Create(output);
        // In the run's unit: an iteration-based run (max_iters) counts iterations, an epoch-based one epochs.
        console.WriteLine(maxIters is { } total
            ? $"Training {fit.Message} after {fit.Iter} of {total} iterations."
            : $"Training {fit.Message} after {fit.Epoch} epochs, {fit.Iter} iterations.");
        if (fit.Metrics.Count > 0)
        {
            console.Write(CliConsole.Metrics(fit.Metrics));
        }
        console.WriteLine($"work dir:          {fit.WorkDir}");
        console.WriteLine($"latest checkpoint: {fit.LatestCheckpoint ?? "none"}");
        console.WriteLine($"best checkpoint:   {fit.BestCheckpoint ?? "none"}");
        console.WriteLine($"logs:              {fit.LogDir}");
    }
}
