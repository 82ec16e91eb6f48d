using System.Text.Json;

namespace Vision.Engine.Logging;

/// <summary>
/// Appends every record to <c>scalars.jsonl</c>, one JSON object per line:
/// <c>{"mode":"train","epoch":1,"iter":10,"lr":0.1,"loss":0.693}</c>. Non-finite values are written as the strings
/// "NaN", "Infinity" and "-Infinity", which JSON numbers cannot hold. A resumed run appends to the same file.
/// </summary>
public sealed class JsonLinesScalarWriter : IScalarWriter
{
    /// <summary>The file name inside the log folder.</summary>
    public const string FileName = "scalars.jsonl";

    private FileStream? stream;

    /// <inheritdoc/>
    public void Open(string logDirectory)
    {
        stream?.Dispose();
        stream = new FileStream(Path.Combine(logDirectory, FileName), FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    /// <inheritdoc/>
    public void DiscardAfter(string logDirectory, long iter, bool validationPending) =>
        ResumedLog.Rewrite(Path.Combine(logDirectory, FileName), line =>
        {
            try
            {
                using var row = JsonDocument.Parse(line);
                return !row.RootElement.TryGetProperty("mode", out var mode) || !row.RootElement.TryGetProperty("iter", out var at)
                    || ResumedLog.Keeps(mode.GetString() ?? "", at.GetInt64(), iter, validationPending);
            }
            catch (JsonException)
            {
                // A line cut short by the kill is dropped.
                return false;
            }
        });

    /// <inheritdoc/>
    public void Write(ScalarRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var target = stream ?? throw new InvalidOperationException($"{nameof(JsonLinesScalarWriter)}.Open must be called before Write.");
        using (var json = new Utf8JsonWriter(target))
        {
            json.WriteStartObject();
            json.WriteString("mode", record.Mode);
            json.WriteNumber("epoch", record.Epoch);
            json.WriteNumber("iter", record.Iter);
            foreach (var (name, value) in record.Scalars)
            {
                if (double.IsFinite(value))
                {
                    json.WriteNumber(name, value);
                }
                else
                {
                    json.WriteString(name, double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
                }
            }
            json.WriteEndObject();
        }
        target.WriteByte((byte)'\n');
        target.Flush();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        stream?.Dispose();
        stream = null;
    }
}
