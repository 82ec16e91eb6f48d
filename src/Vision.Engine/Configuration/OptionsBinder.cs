using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Vision.Engine.Configuration;

/// <summary>
/// Binds an options class (such as <see cref="Training.TrainerOptions"/>) from configuration by its snake_case
/// <see cref="ConfigurationKeyNameAttribute"/> keys, rejecting every unknown key, nested ones included, in one
/// <see cref="ConfigException"/> with their paths. Config files (<see cref="Experiment"/>) and the container route
/// (<c>services.AddVisionTrainer(configuration)</c>) bind through it, so both reject the same mistakes.
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
        CollectUnknownKeys(configuration, typeof(T), errors);
        if (errors.Count > 0)
        {
            throw ConfigException.Combine(errors);
        }
        try
        {
            configuration.Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigException((configuration as IConfigurationSection)?.Path ?? "(root)", e.InnerException?.Message ?? e.Message, e);
        }
    }

    // The binder's own unknown-key check ignores [ConfigurationKeyName], so the snake_case keys are checked here.
    private static void CollectUnknownKeys(IConfiguration section, Type options, List<ConfigException> errors)
    {
        var properties = options.GetProperties().ToDictionary(
            p => p.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? p.Name, p => p, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (!properties.TryGetValue(child.Key, out var property))
            {
                errors.Add(new ConfigException(child.Path, $"unknown option '{child.Key}' (options: {string.Join(", ", properties.Keys)})."));
            }
            else if (child.GetChildren().Any() && property.PropertyType.IsClass && property.PropertyType != typeof(string)
                && !typeof(System.Collections.IEnumerable).IsAssignableFrom(property.PropertyType))
            {
                CollectUnknownKeys(child, property.PropertyType, errors);
            }
        }
    }
}
