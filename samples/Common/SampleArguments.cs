using System.Globalization;

namespace Vision.Samples.Common;

/// <summary>
/// The samples' command line: <c>--name value</c> pairs, each name at most once. Unknown names are refused so that a
/// typo does not silently train with a default.
/// </summary>
public sealed class SampleArguments
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);
    private readonly HashSet<string> read = new(StringComparer.Ordinal);

    /// <summary>
    /// Runs a sample's program: a mistake in the arguments or the data (a missing folder, an invalid value, a bad
    /// configuration) prints <c>error: message</c> instead of a stack trace and exits with 2; success exits with 0.
    /// </summary>
    public static int Run(string[] args, Action<SampleArguments> program)
    {
        ArgumentNullException.ThrowIfNull(program);
        try
        {
            program(new SampleArguments(args));
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    /// <summary>Parses <paramref name="args"/>.</summary>
    /// <exception cref="ArgumentException">An argument is not a <c>--name</c>, lacks its value, or is repeated.</exception>
    public SampleArguments(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Count; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Expected an option such as --data, got '{args[i]}'.");
            }
            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{args[i]} needs a value.");
            }
            if (!values.TryAdd(args[i], args[i + 1]))
            {
                throw new ArgumentException($"{args[i]} is given twice.");
            }
        }
    }

    /// <summary>The value of <paramref name="name"/>, or <paramref name="fallback"/> when it is not given.</summary>
    public string? String(string name, string? fallback = null)
    {
        read.Add(name);
        return values.TryGetValue(name, out var value) ? value : fallback;
    }

    /// <summary>The value of <paramref name="name"/>; throws when it is not given.</summary>
    /// <exception cref="ArgumentException">The option is missing.</exception>
    public string Required(string name) => String(name) ?? throw new ArgumentException($"{name} is required.");

    /// <summary>The positive integer value of <paramref name="name"/>, or <paramref name="fallback"/>.</summary>
    /// <exception cref="ArgumentException">The value is not a positive integer.</exception>
    public int Int(string name, int fallback) => String(name) is { } text
        ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
            : throw new ArgumentException($"{name} must be a positive integer, got '{text}'.")
        : fallback;

    /// <summary>The non-negative integer value of <paramref name="name"/> (a worker count may be 0), or <paramref name="fallback"/>.</summary>
    /// <exception cref="ArgumentException">The value is not a non-negative integer.</exception>
    public int Count(string name, int fallback) => String(name) is { } text
        ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : throw new ArgumentException($"{name} must be a non-negative integer, got '{text}'.")
        : fallback;

    /// <summary>Throws when an option was given that no <see cref="String"/> call asked for.</summary>
    /// <exception cref="ArgumentException">Unknown options were given; the message lists them and the known ones.</exception>
    public void RejectUnknown()
    {
        var unknown = values.Keys.Where(k => !read.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown option(s) {string.Join(", ", unknown)}; known: {string.Join(", ", read.Order(StringComparer.Ordinal))}.");
        }
    }
}
