using System.Reflection;

namespace Vision.Engine.Configuration;

/// <summary>
/// The component types of one kind (transforms, optimizers, hooks, …) by name, as MMEngine's registries: a config's
/// <c>"type": "RandomResizedCrop"</c> is looked up here. Names are the class names, matched ignoring case. The
/// built-in types are registered by <see cref="Registries"/>; register your own with <see cref="Register{T}"/>
/// before building a run from a configuration.
/// </summary>
public sealed class ComponentRegistry
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Type> types = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates an empty registry for subclasses or implementations of <paramref name="baseType"/>.</summary>
    /// <param name="kind">What the registry holds, in words, for error messages ("transform").</param>
    /// <param name="baseType">The type every registered type must be assignable to.</param>
    public ComponentRegistry(string kind, Type baseType)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(baseType);
        Kind = kind;
        BaseType = baseType;
    }

    /// <summary>What the registry holds, in words.</summary>
    public string Kind { get; }

    /// <summary>The base type of every registered type.</summary>
    public Type BaseType { get; }

    /// <summary>The registered names, sorted.</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            lock (gate)
            {
                return [.. types.Keys.Order(StringComparer.OrdinalIgnoreCase)];
            }
        }
    }

    /// <summary>Registers <typeparamref name="T"/> under <paramref name="name"/> (default: its class name).</summary>
    /// <exception cref="ArgumentException">The type does not fit the registry, or the name is taken by another type.</exception>
    public void Register<T>(string? name = null) => Register(typeof(T), name);

    /// <summary>Registers <paramref name="type"/> under <paramref name="name"/> (default: its class name).</summary>
    /// <exception cref="ArgumentException">The type does not fit the registry, or the name is taken by another type.</exception>
    public void Register(Type type, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (!BaseType.IsAssignableFrom(type) || type.IsAbstract || type.IsInterface)
        {
            throw new ArgumentException($"{type.FullName} is not a concrete {BaseType.Name}, so it cannot be registered as a {Kind}.", nameof(type));
        }
        name ??= type.Name;
        lock (gate)
        {
            if (types.TryGetValue(name, out var existing) && existing != type)
            {
                throw new ArgumentException($"The {Kind} name '{name}' is already registered for {existing.FullName}.", nameof(name));
            }
            types[name] = type;
        }
    }

    /// <summary>The type registered as <paramref name="name"/>.</summary>
    /// <param name="name">The config's <c>type</c> value.</param>
    /// <param name="path">The setting's path, for the error message.</param>
    /// <exception cref="ConfigException">No such name; the message lists the registered ones.</exception>
    public Type Resolve(string name, string path)
    {
        lock (gate)
        {
            if (types.TryGetValue(name, out var type))
            {
                return type;
            }
        }
        throw new ConfigException(path, $"unknown {Kind} type '{name}'; registered: {string.Join(", ", Names)}.");
    }

    /// <summary>Registers every public concrete type of <paramref name="assembly"/> that fits the registry.</summary>
    internal void RegisterPublicTypesOf(Assembly assembly)
    {
        foreach (var type in assembly.GetExportedTypes().Where(t => t.IsClass && !t.IsAbstract && !t.IsGenericTypeDefinition && BaseType.IsAssignableFrom(t)))
        {
            Register(type);
        }
    }
}
