using System.CommandLine;
using Vision.Cli.Commands;

namespace Vision.Cli;

/// <summary>
/// The <c>vision</c> command line. <see cref="Run"/> is the whole program (Program.cs only forwards to it), so
/// tests drive exactly what users run, in-process, with their own output writers.
/// </summary>
public static class VisionCli
{
    /// <summary>The command users type (the tool's ToolCommandName).</summary>
    public const string ToolName = "vision";

    /// <summary>The commands under the root, in help order; a new command is one more line here.</summary>
    private static IEnumerable<Command> Commands() =>
    [
        TrainCommand.Create(),
        TestCommand.Create(),
        ListModelsCommand.Create(),
        SplitDatasetCommand.Create(),
        MeanStdCommand.Create(),
        InferCommand.Create(),
        LaunchCommand.Create(),
        ConvertCommand.Create(),
        EvolveCommand.Create(),
        PlotCurvesCommand.Create(),
        CamCommand.Create(),
        TsneCommand.Create(),
        BrowseDatasetCommand.Create(),
        ReportCommand.Create(),
        SegmentCommand.Create(),
    ];

    /// <summary>Builds the root command with every subcommand; <c>--help</c> and <c>--version</c> come with it.</summary>
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("vision: train and test image classifiers from config files, evolve their hyperparameters, launch distributed runs, list models, prepare image datasets, classify images and convert PyTorch checkpoints with Vision (libtorch for .NET).")
        {
            // Help says "vision" however the code is hosted (dotnet run, the tool, a test runner).
            HelpName = ToolName,
        };
        foreach (var command in Commands())
        {
            root.Subcommands.Add(command);
        }
        return root;
    }

    /// <summary>
    /// Parses <paramref name="args"/> and runs the chosen command, writing results to <paramref name="stdout"/> and
    /// problems to <paramref name="stderr"/>.
    /// </summary>
    /// <returns>
    /// The exit code: 0 on success, 1 for a parse error (System.CommandLine prints it with the usage) or a failed
    /// command (reported by <see cref="UserErrors.Report"/>, without a stack trace for mistakes in the input).
    /// </returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var configuration = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            // Exceptions come back here, so there is one place that decides how a failure reads.
            EnableDefaultExceptionHandler = false,
            // Ctrl-C is CtrlCCancellation's: System.CommandLine's handler crashes on a second Ctrl-C.
            ProcessTerminationTimeout = null,
        };
        try
        {
            using var interruption = new CtrlCCancellation();
            return CreateRootCommand().Parse(args).InvokeAsync(configuration, interruption.Token).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            return UserErrors.Report(e, stderr);
        }
    }
}
