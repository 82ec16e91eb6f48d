using Microsoft.Extensions.Configuration;

namespace Vision.Engine.Configuration;

/// <summary>
/// Binds an options class (such as <see cref="Training.TrainerOptions"/>) from configuration with the same binder
/// that builds every other section (<see cref="ComponentBuilder"/>): keys match property names or their snake_case
/// <see cref="ConfigurationKeyNameAttribute"/>, ignoring case and underscores, and every unknown key and malformed
/// value, nested ones included, is reported in one <see cref="ConfigException"/> with its path. Config files
/// (<see cref="Experiment"/>) and the container route (<c>services.AddVisionTrainer(configuration)</c>) bind
/// through it, so both accept and reject the same things.
/// </summary>
public static class OptionsBinder
{
    /// <summary>A new <typeparamref name="T"/> bound from <paramref name="configuration"/>.</summary>
    /// <exception cref="ConfigException">Unknown keys or values that do not convert (all of them, each with its path).</exception>
    public static T Bind<T>(IConfiguration configuration) where T : notnull, new()
    {
        var options = new T();
        Bind(configuration, options);
        return options;
    }

    /// <summary>Binds <paramref name="configuration"/> into <paramref name="options"/>.</summary>
    /// <exception cref="ConfigException">Unknown keys or values that do not convert (all of them, each with its path).</exception>
    public static void Bind<T>(IConfiguration configuration, T options) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<ConfigException>();
        ComponentBuilder.BindInto(options, configuration, BuildArguments.None, errors);
        if (errors.Count > 0)
        {
            throw ConfigException.Combine(errors);
        }
    }
}
