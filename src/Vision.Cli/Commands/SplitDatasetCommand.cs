using System.CommandLine;
using Spectre.Console;
using System.Globalization;
using Vision.Cli.Output;
using Vision.Data.Datasets;

namespace Vision.Cli.Commands;

/// <summary>
/// <c>vision split-dataset &lt;source&gt; &lt;output&gt;</c>: a stratified, seeded train/val(/test) split of a
/// class-per-folder tree by <see cref="DatasetSplitter"/>, written as copies, symbolic links or annotation files,
/// followed by the image count of every class in every split.
/// </summary>
public static class SplitDatasetCommand
{
    // The command-line name of each way DatasetSplitter writes a split.
    private static readonly Dictionary<string, SplitOutput> Modes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["copy"] = SplitOutput.Copy,
        ["symlink"] = SplitOutput.Symlink,
        ["annotation"] = SplitOutput.ListFile,
    };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "The class-per-folder dataset: source/<class>/**/<image>." };
        var output = new Argument<string>("output") { Description = "Where the splits go (created if missing); existing splits there are not overwritten." };
        var val = new Option<double>("--val")
        {
            Description = "Fraction of each class for validation.",
            DefaultValueFactory = _ => 0.2,
        }.MustBeFraction();
        var test = new Option<double>("--test")
        {
            Description = "Fraction of each class for testing; 0 writes no test split.",
            DefaultValueFactory = _ => 0,
        }.MustBeFraction();
        var seed = new Option<int>("--seed") { Description = "Seed of the shuffle; the same tree, fractions and seed give the same split." };
        var mode = new Option<string>("--mode")
        {
            Description = "copy: copies under output/<split>/<class>/; symlink: links to the source images there; " +
                "annotation: output/<split>.txt files of 'relative/path label' lines and output/classes.txt.",
            DefaultValueFactory = _ => "copy",
        }.AcceptOnlyFromAmong([.. Modes.Keys]);

        var command = new Command("split-dataset", "Split a class-per-folder image dataset into train/val(/test), stratified per class.")
        {
            source, output, val, test, seed, mode,
        };
        command.SetAction(result => Run(
            result.GetRequiredValue(source), result.GetRequiredValue(output), result.GetValue(val), result.GetValue(test),
            result.GetValue(seed), Modes[result.GetRequiredValue(mode)], result.InvocationConfiguration.Output));
        return command;
    }

    private static int Run(string source, string output, double val, double test, int seed, SplitOutput mode, TextWriter writer)
    {
        if (val + test >= 1)
        {
            throw new ArgumentException($"--val ({F(val)}) and --test ({F(test)}) must leave a training share: their sum must be below 1.");
        }
        var split = DatasetSplitter.Split(source, output, train: 1 - val - test, val: val, test: test, seed: seed, output: mode);

        var parts = new List<(string Name, IReadOnlyList<(string Path, int Label)> Samples)> { ("train", split.Train), ("val", split.Val) };
        if (test > 0)
        {
            parts.Add(("test", split.Test));
        }
        var table = CliConsole.Table([.. parts.Select(p => p.Name).Prepend("class"), "total"]).AlignRight([.. Enumerable.Range(1, parts.Count + 1)]);
        var perClass = parts.Select(p => p.Samples.CountBy(s => s.Label).ToDictionary()).ToList();
        for (var label = 0; label < split.Classes.Count; label++)
        {
            var counts = perClass.Select(c => c.GetValueOrDefault(label)).ToList();
            table.AddTextRow([split.Classes[label], .. counts.Select(N), N(counts.Sum())]);
        }
        table.AddTextRow(["all", .. parts.Select(p => N(p.Samples.Count)), N(parts.Sum(p => p.Samples.Count))]);

        var console = CliConsole.Create(writer);
        console.WriteLine($"Split {source} into {output} ({ModeName(mode)}, seed {seed}):");
        console.Write(table);
        return 0;
    }

    private static string ModeName(SplitOutput mode) => Modes.First(m => m.Value == mode).Key;

    private static string N(int count) => count.ToString(CultureInfo.InvariantCulture);

    private static string F(double x) => x.ToString("G", CultureInfo.InvariantCulture);
}
