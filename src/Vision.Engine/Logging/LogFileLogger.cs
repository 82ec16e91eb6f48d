using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Vision.Engine.Logging;

/// <summary>
/// Passes every message on to another logger and also appends it to a text file (MMEngine's
/// <c>{work_dir}/{timestamp}.log</c>), one line each: <c>2026/01/31 12:00:00 - INFO - message</c>, so a run's log
/// outlives its console. The file and its folder are created with the first message.
/// </summary>
/// <typeparam name="TCategory">The category, as <see cref="ILogger{TCategoryName}"/>.</typeparam>
public sealed class LogFileLogger<TCategory> : ILogger<TCategory>
{
    private readonly ILogger inner;
    private readonly Lock gate = new();

    /// <summary>Logs to <paramref name="inner"/> and to <paramref name="path"/>.</summary>
    public LogFileLogger(ILogger inner, string path)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentException.ThrowIfNullOrEmpty(path);
        this.inner = inner;
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The log file, a full path.</summary>
    public string Path { get; }

    /// <summary>
    /// The path of a run's log file in <paramref name="workDir"/>, named as MMEngine names it by the start time
    /// (<c>yyyyMMdd_HHmmss.log</c>); a second run started in the same second gets <c>yyyyMMdd_HHmmss_2.log</c>.
    /// </summary>
    public static string PathFor(string workDir, DateTime start)
    {
        var stamp = start.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture);
        var path = System.IO.Path.Combine(workDir, stamp + ".log");
        for (var n = 2; File.Exists(path); n++)
        {
            path = System.IO.Path.Combine(workDir, $"{stamp}_{n}.log");
        }
        return path;
    }

    /// <inheritdoc/>
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    /// <inheritdoc/>
    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    /// <inheritdoc/>
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        inner.Log(logLevel, eventId, state, exception, formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }
        var line = $"{DateTime.Now.ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture)} - {(logLevel == LogLevel.Information ? "INFO" : logLevel.ToString().ToUpperInvariant())} - {formatter(state, exception)}";
        if (exception is not null)
        {
            line += Environment.NewLine + exception;
        }
        lock (gate)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            File.AppendAllText(Path, line + Environment.NewLine);
        }
    }
}
