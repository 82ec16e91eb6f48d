namespace Vision.Engine.Configuration;

/// <summary>
/// A configuration that cannot be turned into a run: an unknown component type or option, a missing or malformed
/// value, or a component that rejected its settings. <see cref="Exception.Message"/> starts with the setting's path
/// (<c>train_dataloader:pipeline:1 (RandomResizedCrop): …</c>) so the line to fix is easy to find. When a
/// configuration has several mistakes they come together in one exception (<see cref="Errors"/>), one line each.
/// </summary>
public sealed class ConfigException : Exception
{
    /// <summary>Creates the exception for the setting at <paramref name="path"/>.</summary>
    public ConfigException(string path, string message, Exception? innerException = null)
        : base($"{path}: {message}", innerException)
    {
        Path = path;
        Errors = [this];
    }

    private ConfigException(IReadOnlyList<ConfigException> errors)
        : base($"{errors.Count} configuration errors:{Environment.NewLine}{string.Join(Environment.NewLine, errors.Select(e => e.Message))}", errors[0])
    {
        Path = errors[0].Path;
        Errors = errors;
    }

    /// <summary>The colon-separated path of the offending setting (e.g. <c>optim_wrapper:optimizer:lr</c>); the first one's when there are several.</summary>
    public string Path { get; }

    /// <summary>Every mistake found, in configuration order (just this one for a single mistake).</summary>
    public IReadOnlyList<ConfigException> Errors { get; }

    /// <summary>One exception for <paramref name="errors"/>: the error itself when there is one, else all of them together.</summary>
    public static ConfigException Combine(IReadOnlyList<ConfigException> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentOutOfRangeException.ThrowIfZero(errors.Count);
        var flat = errors.SelectMany(e => e.Errors).ToList();
        return flat.Count == 1 ? flat[0] : new ConfigException(flat);
    }
}
