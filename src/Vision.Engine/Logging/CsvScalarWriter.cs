using System.Globalization;

namespace Vision.Engine.Logging;

/// <summary>
/// Appends every scalar to <c>scalars.csv</c> in long format, one row per value: <c>mode,epoch,iter,name,value</c>,
/// so training and validation rows with different scalars share one header. Values use the invariant culture and
/// round-trip ("R"); fields holding commas or quotes are quoted as RFC 4180 says.
/// </summary>
public sealed class CsvScalarWriter : IScalarWriter
{
    /// <summary>The file name inside the log folder.</summary>
    public const string FileName = "scalars.csv";

    /// <summary>The header row.</summary>
    public const string Header = "mode,epoch,iter,name,value";

    private StreamWriter? writer;

    /// <inheritdoc/>
    public void Open(string logDirectory)
    {
        writer?.Dispose();
        var path = Path.Combine(logDirectory, FileName);
        var isNew = !File.Exists(path) || new FileInfo(path).Length == 0;
        writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { NewLine = "\n" };
        if (isNew)
        {
            writer.WriteLine(Header);
            writer.Flush();
        }
    }

    /// <inheritdoc/>
    public void DiscardAfter(string logDirectory, long iter, bool validationPending) =>
        ResumedLog.Rewrite(Path.Combine(logDirectory, FileName), line =>
        {
            // mode,epoch,iter,…: the modes are plain words, so the first three fields hold no quotes.
            var fields = line.Split(',', 4);
            if (line == Header)
            {
                return true;
            }
            return fields.Length == 4 && long.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var at)
                && ResumedLog.Keeps(fields[0], at, iter, validationPending);
        });

    /// <inheritdoc/>
    public void Write(ScalarRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var target = writer ?? throw new InvalidOperationException($"{nameof(CsvScalarWriter)}.Open must be called before Write.");
        foreach (var (name, value) in record.Scalars)
        {
            target.Write(Quote(record.Mode));
            target.Write(',');
            target.Write(record.Epoch.ToString(CultureInfo.InvariantCulture));
            target.Write(',');
            target.Write(record.Iter.ToString(CultureInfo.InvariantCulture));
            target.Write(',');
            target.Write(Quote(name));
            target.Write(',');
            target.WriteLine(value.ToString("R", CultureInfo.InvariantCulture));
        }
        target.Flush();
    }

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <inheritdoc/>
    public void Dispose()
    {
        writer?.Dispose();
        writer = null;
    }
}
