namespace Vision.Engine.Configuration;

// Runs the independent parts of a configuration one after another, keeping every ConfigException, so one run
// reports all mistakes instead of stopping at the first.
internal sealed class ConfigErrorCollector
{
    private readonly List<ConfigException> errors = [];

    public bool HasErrors => errors.Count > 0;

    /// <summary>Runs <paramref name="build"/>; on a configuration mistake records it and returns the default.</summary>
    public T? Try<T>(Func<T> build)
    {
        try
        {
            return build();
        }
        catch (ConfigException e)
        {
            errors.Add(e);
            return default;
        }
    }

    public void Try(Action check) => Try(() =>
    {
        check();
        return true;
    });

    public void Add(ConfigException error) => errors.Add(error);

    /// <summary>Throws every recorded mistake in one <see cref="ConfigException"/>.</summary>
    public void ThrowIfAny()
    {
        if (errors.Count > 0)
        {
            throw ConfigException.Combine(errors);
        }
    }
}
