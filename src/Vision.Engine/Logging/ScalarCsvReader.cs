using System.Globalization;
using System.Text;

namespace Vision.Engine.Logging;

/// <summary>
/// Reads back the <c>scalars.csv</c> that <see cref="CsvScalarWriter"/> writes, so finished runs can be plotted
/// (<see cref="Visualization.TrainingCurves"/>) or compared without TensorBoard.
/// </summary>
public static class ScalarCsvReader
{
    /// <summary>Reads a <c>scalars.csv</c> written by <see cref="CsvScalarWriter"/> (RFC 4180 quoting, invariant culture).</summary>
    /// <exception cref="InvalidDataException">The header or a row is malformed; the message names the line.</exception>
    public static IReadOnlyList<ScalarRow> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != CsvScalarWriter.Header)
        {
            throw new InvalidDataException($"{path}: the first line must be the header '{CsvScalarWriter.Header}'.");
        }
        var rows = new List<ScalarRow>(lines.Length - 1);
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }
            var fields = SplitCsv(lines[i]);
            if (fields.Count != 5
                || !int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch)
                || !long.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var iter)
                || !double.TryParse(fields[4], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                throw new InvalidDataException($"{path}, line {i + 1}: expected mode,epoch,iter,name,value, got '{lines[i]}'.");
            }
            rows.Add(new ScalarRow(fields[0], epoch, iter, fields[3], value));
        }
        return rows;
    }

    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }
        fields.Add(field.ToString());
        return fields;
    }
}
