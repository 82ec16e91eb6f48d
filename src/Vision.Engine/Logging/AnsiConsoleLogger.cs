using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Vision.Engine.Logging;

/// <summary>
/// The trainer's log when the container has no logging of its own: one plain line per message on an
/// <see cref="IAnsiConsole"/> (so lines print above a progress bar), warnings and errors prefixed with their level.
/// Register <c>services.AddLogging(…)</c> to send the log elsewhere instead.
/// </summary>
/// <typeparam name="TCategory">The category, as <see cref="ILogger{TCategoryName}"/>.</typeparam>
public sealed class AnsiConsoleLogger<TCategory> : ILogger<TCategory>
{
    private readonly IAnsiConsole console;
    private readonly LogLevel minimum;

    /// <summary>Writes messages of at least <paramref name="minimum"/> level to <paramref name="console"/>.</summary>
    public AnsiConsoleLogger(IAnsiConsole console, LogLevel minimum = LogLevel.Information)
    {
        ArgumentNullException.ThrowIfNull(console);
        this.console = console;
        this.minimum = minimum;
    }

    /// <inheritdoc/>
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    /// <inheritdoc/>
    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= minimum;

    /// <inheritdoc/>
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }
        var prefix = logLevel >= LogLevel.Warning ? logLevel.ToString().ToUpperInvariant() + ": " : "";
        Write(prefix + formatter(state, exception));
        if (exception is not null)
        {
            Write(exception.ToString());
        }
    }

    // On a terminal, lines go through Spectre so they print above a live progress bar; redirected output (files, CI)
    // gets them verbatim, without Spectre wrapping them at its assumed width of 80 columns.
    private void Write(string line)
    {
        if (console.Profile.Capabilities.Interactive)
        {
            console.WriteLine(line);
            return;
        }
        var writer = console.Profile.Out.Writer;
        writer.WriteLine(line);
        writer.Flush();
    }
}
