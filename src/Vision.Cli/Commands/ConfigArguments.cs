using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spectre.Console;
using Vision.Engine.Configuration;
using Vision.Engine.Training;

namespace Vision.Cli.Commands;

/// <summary>
/// What <c>train</c> and <c>test</c> share: the config file, <c>--set</c> overrides (MMEngine's
/// <c>--cfg-options</c>), <c>--work-dir</c> and <c>--threads</c>, and the console the trainer writes to.
/// </summary>
internal sealed class ConfigArguments
{
    private readonly Argument<string> config = new("config") { Description = "The run's JSON config file (its _base_ files are layered under it)." };

    private readonly Option<string[]> overrides = new("--set")
    {
        Description = "Change a config value, PATH=VALUE with ':' between keys, e.g. --set optim_wrapper:optimizer:lr=0.01 --set trainer:max_epochs=5.",
    };

    private readonly Option<string> workDir;

    /// <summary>Creates the arguments; <paramref name="workDirDescription"/> replaces the help of <c>--work-dir</c> where a command uses it differently.</summary>
    public ConfigArguments(string workDirDescription = "Where checkpoints, logs and reports go; default trainer.work_dir, else work_dirs/{config name}.") =>
        workDir = new Option<string>("--work-dir") { Description = workDirDescription };

    private readonly Option<int> threads = new Option<int>("--threads")
    {
        Description = "Intra-op threads for the model's kernels (trainer:num_threads); default one per physical core, or OMP_NUM_THREADS.",
    }.MustBePositive();

    /// <summary>The config file argument.</summary>
    public Argument<string> ConfigArgument => config;

    /// <summary>Adds the config argument and the shared options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Arguments.Add(config);
        AddOptionsTo(command);
    }

    /// <summary>Adds the shared options (not the config argument) to <paramref name="command"/>.</summary>
    public void AddOptionsTo(Command command)
    {
        command.Options.Add(overrides);
        command.Options.Add(workDir);
        command.Options.Add(threads);
    }

    /// <summary>Builds the experiment the parsed arguments describe.</summary>
    public Experiment Load(ParseResult result) => Load(result, Config.FromFile(ConfigPath(result), Overrides(result)));

    /// <summary>Builds the experiment <paramref name="config"/> describes, with the parsed <c>--work-dir</c> and <c>--threads</c>.</summary>
    public Experiment Load(ParseResult result, Config config)
    {
        var experiment = Experiment.FromConfig(config, WorkDir(result));
        if (result.GetResult(threads) is not null)
        {
            experiment.Options.NumThreads = result.GetValue(threads);
        }
        return experiment;
    }

    /// <summary>The config file given.</summary>
    public string ConfigPath(ParseResult result) => result.GetRequiredValue(config);

    /// <summary>The <c>--set</c> overrides given, in order.</summary>
    public IReadOnlyList<string> Overrides(ParseResult result) => result.GetValue(overrides) ?? [];

    /// <summary>The <c>--work-dir</c> given, or null.</summary>
    public string? WorkDir(ParseResult result) => result.GetValue(workDir);

    /// <summary>Sends the trainer's log and progress bar to <paramref name="output"/> (a terminal gets the live bar).</summary>
    public static Action<TrainerBuilder> WriteTo(TextWriter output)
    {
        var console = Output.CliConsole.Create(output);
        return builder => builder.WithServices(services => services.Replace(ServiceDescriptor.Singleton(console)));
    }
}
