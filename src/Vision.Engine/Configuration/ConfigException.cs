namespace Vision.Engine.Configuration;

/// <summary>
/// A configuration that cannot be turned into a run: an unknown component type or option, a missing or malformed
/// value, or a component that rejected its settings. <see cref="Exception.Message"/> starts with the setting's path
/// (<c>train_dataloader:pipeline:1 (RandomResizedCrop): …</c>) so the line to fix is easy to find.
/// </summary>
public sealed class ConfigException : Exception
{
    /// <summary>Creates the exception for the setting at <paramref name="path"/>.</summary>
    public ConfigException(string path, string message, Exception? innerException = null)
        : base($"{path}: {message}", innerException) => Path = path;

    /// <summary>The colon-separated path of the offending setting (e.g. <c>optim_wrapper:optimizer:lr</c>).</summary>
    public string Path { get; }
}
