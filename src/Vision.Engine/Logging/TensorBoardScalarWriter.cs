using Vision.Engine.Logging.TensorBoard;

namespace Vision.Engine.Logging;

/// <summary>
/// Writes a TensorBoard event file (<c>events.out.tfevents.{time}.{host}.{pid}.0</c>, as PyTorch's SummaryWriter
/// names it) that <c>tensorboard --logdir {work_dir}/logs</c> reads: the file_version event, then one event per record
/// whose scalar summaries are tagged "{mode}/{name}" ("train/loss", "val/accuracy/top1") at step = iteration.
/// Each run starts a new file; TensorBoard merges the files of a folder.
/// </summary>
public sealed class TensorBoardScalarWriter : IScalarWriter
{
    private TFRecordWriter? writer;

    /// <summary>The path of the event file, once opened.</summary>
    public string? FilePath { get; private set; }

    /// <inheritdoc/>
    public void Open(string logDirectory)
    {
        writer?.Dispose();
        var now = DateTimeOffset.UtcNow;
        FilePath = Path.Combine(logDirectory, $"events.out.tfevents.{now.ToUnixTimeSeconds():D10}.{Environment.MachineName}.{Environment.ProcessId}.0");
        writer = new TFRecordWriter(new FileStream(FilePath, FileMode.Create, FileAccess.Write, FileShare.Read));
        writer.Write(EventEncoder.FileVersion(WallTime(now)));
        writer.Flush();
    }

    /// <inheritdoc/>
    public void Write(ScalarRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var target = writer ?? throw new InvalidOperationException($"{nameof(TensorBoardScalarWriter)}.Open must be called before Write.");
        var tagged = record.Scalars.Select(s => new KeyValuePair<string, double>($"{record.Mode}/{s.Key}", s.Value));
        target.Write(EventEncoder.Scalars(WallTime(DateTimeOffset.UtcNow), record.Iter, tagged));
        target.Flush();
    }

    private static double WallTime(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;

    /// <inheritdoc/>
    public void Dispose()
    {
        writer?.Dispose();
        writer = null;
    }
}
