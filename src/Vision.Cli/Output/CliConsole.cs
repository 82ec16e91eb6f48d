using Spectre.Console;

namespace Vision.Cli.Output;

/// <summary>
/// The Spectre console a command writes its tables to. Output that goes to a file, a pipe or a test's writer gets no
/// ANSI codes and a wide line, so long paths are not wrapped and the text stays easy to read by scripts.
/// </summary>
public static class CliConsole
{
    // Wide enough for long image paths; tables only take the width their cells need.
    private const int RedirectedWidth = 400;

    /// <summary>A console writing to <paramref name="writer"/>.</summary>
    public static IAnsiConsole Create(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var terminal = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        if (!terminal)
        {
            console.Profile.Width = RedirectedWidth;
        }
        return console;
    }

    /// <summary>A table with <paramref name="columns"/> as headers, in the one border style of every command.</summary>
    public static Table Table(params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var table = new Table().Border(TableBorder.Horizontal);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(column)));
        }
        return table;
    }

    /// <summary>Right-aligns the columns at <paramref name="indexes"/> (numbers line up on their last digit).</summary>
    public static Table AlignRight(this Table table, params int[] indexes)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(indexes);
        foreach (var index in indexes)
        {
            table.Columns[index].Alignment = Justify.Right;
        }
        return table;
    }

    /// <summary>Adds a row of plain text cells (no Spectre markup, so brackets in paths print as they are).</summary>
    public static Table AddTextRow(this Table table, params string[] cells)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(cells);
        return table.AddRow(cells.Select(c => new Text(c)));
    }

    /// <summary>A two-column table of metric names and values (in the evaluation report's number format), as train and test print them.</summary>
    public static Table Metrics(IReadOnlyDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var table = Table("metric", "value");
        foreach (var (name, value) in metrics)
        {
            table.AddTextRow(name, Vision.Engine.Evaluation.EvaluationReport.Number(value));
        }
        return table;
    }
}
