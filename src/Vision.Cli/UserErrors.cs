using Microsoft.Extensions.Options;
using Vision.Engine.Configuration;
using Vision.Engine.Training;

namespace Vision.Cli;

/// <summary>
/// Turns a failed command into one line on stderr and exit code 1. Exceptions that mean "the input is wrong"
/// (a missing file, an invalid value, an undecodable image, invalid options) read as <c>error: message</c>, since
/// their messages already name the file, option or value; anything else also names its exception type, because
/// then the message alone may not say what went wrong. No stack traces: users cannot act on them.
/// </summary>
public static class UserErrors
{
    /// <summary>The exit code of a failed command.</summary>
    public const int ExitCode = 1;

    /// <summary>Whether <paramref name="exception"/> reports a mistake in the user's input rather than a bug.</summary>
    public static bool IsUserError(Exception exception) => exception is
        FileNotFoundException or DirectoryNotFoundException or ArgumentException or InvalidDataException
        or OptionsValidationException or UnauthorizedAccessException or IOException or ConfigException or NonFiniteLossException;

    /// <summary>Writes <paramref name="exception"/> to <paramref name="stderr"/> and returns <see cref="ExitCode"/>.</summary>
    public static int Report(Exception exception, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(stderr);
        while (exception is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            exception = aggregate.InnerExceptions[0];
        }
        stderr.WriteLine(IsUserError(exception)
            ? $"error: {MessageOf(exception)}"
            : $"error: {exception.GetType().FullName}: {MessageOf(exception)}");
        return ExitCode;
    }

    // ArgumentException appends " (Parameter 'name')", which names a C# parameter the user never saw.
    private static string MessageOf(Exception exception)
    {
        var message = exception.Message;
        if (exception is ArgumentException { ParamName: { } name })
        {
            var suffix = $" (Parameter '{name}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal))
            {
                message = message[..^suffix.Length];
            }
        }
        return message;
    }
}
