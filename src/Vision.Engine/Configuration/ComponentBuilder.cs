using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace Vision.Engine.Configuration;

/// <summary>
/// MMEngine's <c>build_from_cfg</c>: creates a component from a configuration section by calling one of its public
/// constructors (or public static factory methods such as <c>FashionMnist.Load</c>) with the section's keys as
/// arguments. Keys match parameter names ignoring case and underscores (<c>num_layers</c> → <c>numLayers</c>,
/// <c>T_max</c> → <c>T_max</c>); parameters no key names come from <see cref="BuildArguments"/> (the optimizer, the
/// class count, …) or keep their defaults. Every key must be used, so a misspelt option fails with the list of the
/// ones that exist instead of being ignored.
/// </summary>
internal static class ComponentBuilder
{
    private const string TypeKey = "type";

    /// <summary>Builds the component described by <paramref name="section"/> (its <c>type</c> looked up in <paramref name="registry"/>).</summary>
    /// <exception cref="ConfigException">The type or an option is unknown, a value is malformed or missing, or the component rejected its settings.</exception>
    public static T Build<T>(IConfigurationSection section, ComponentRegistry registry, BuildArguments arguments, params string[] ignoredKeys) =>
        (T)BuildRegistered(section, registry, arguments, ignoredKeys);

    /// <summary>Sets the public properties of a new <typeparamref name="T"/> from the keys of <paramref name="section"/> (for option classes such as <c>DataLoaderOptions</c>).</summary>
    /// <exception cref="ConfigException">A key names no settable property, or its value does not convert.</exception>
    public static T BindProperties<T>(IConfigurationSection section, BuildArguments arguments, params string[] ignoredKeys) where T : new() =>
        (T)BindProperties(typeof(T), section, arguments, ignoredKeys);

    /// <summary>Whether <paramref name="section"/> is absent or empty.</summary>
    public static bool IsEmpty(IConfigurationSection section) => section.Value is null && !section.GetChildren().Any();

    /// <summary>The items of an array section in index order (a single object counts as a one-item list).</summary>
    public static IReadOnlyList<IConfigurationSection> Items(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count > 0 && children.All(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            return [.. children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture))];
        }
        return IsEmpty(section) ? [] : [section];
    }

    private static object BuildRegistered(IConfigurationSection section, ComponentRegistry registry, BuildArguments arguments, IReadOnlyCollection<string> ignoredKeys)
    {
        var name = section[TypeKey];
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ConfigException(section.Path, $"a {registry.Kind} needs a \"type\"; registered: {string.Join(", ", registry.Names)}.");
        }
        var type = registry.Resolve(name, $"{section.Path}:{TypeKey}");
        return Construct(type, section, arguments, [TypeKey, .. ignoredKeys]);
    }

    // Tries every public constructor and static factory of the type; the first that binds every key wins, ranked by
    // how many parameters the configuration itself gave.
    private static object Construct(Type type, IConfigurationSection section, BuildArguments arguments, IReadOnlyCollection<string> ignoredKeys)
    {
        var keys = section.GetChildren()
            .Where(c => !ignoredKeys.Contains(c.Key, StringComparer.OrdinalIgnoreCase))
            .ToDictionary(c => Normalize(c.Key), c => c);
        var candidates = type.GetConstructors().Cast<MethodBase>()
            .Concat(type.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.ReturnType == type && !m.IsSpecialName))
            .ToList();
        var attempts = candidates.Select(c => TryBind(c, keys, arguments)).OrderBy(a => a.Problems.Count).ThenByDescending(a => a.FromConfig).ToList();
        var chosen = attempts.FirstOrDefault(a => a.Problems.Count == 0);
        if (chosen is null)
        {
            var best = attempts.FirstOrDefault();
            if (best?.ValueError is { } valueError)
            {
                // A malformed value: its own path says exactly where.
                throw valueError;
            }
            var problems = best is null ? $"{type.Name} has no public constructor" : string.Join("; ", best.Problems);
            throw new ConfigException(section.Path, $"{type.Name}: {problems}.");
        }
        try
        {
            return chosen.Method is ConstructorInfo constructor ? constructor.Invoke(chosen.Values) : chosen.Method.Invoke(null, chosen.Values)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is { } inner)
        {
            throw new ConfigException(section.Path, $"{type.Name}: {inner.Message}", inner);
        }
    }

    private static Attempt TryBind(MethodBase method, Dictionary<string, IConfigurationSection> keys, BuildArguments arguments)
    {
        var parameters = method.GetParameters();
        var values = new object?[parameters.Length];
        var problems = new List<string>();
        ConfigException? valueError = null;
        var used = new HashSet<string>();
        var fromConfig = 0;
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            var key = Normalize(parameter.Name!);
            if (keys.TryGetValue(key, out var child))
            {
                used.Add(key);
                fromConfig++;
                try
                {
                    values[i] = Convert(child, parameter.ParameterType, arguments);
                }
                catch (ConfigException e)
                {
                    problems.Add(e.Message);
                    valueError ??= e;
                }
            }
            else if (arguments.Find(key, parameter.ParameterType, out var supplied))
            {
                values[i] = supplied;
            }
            else if (parameter.HasDefaultValue)
            {
                values[i] = parameter.DefaultValue;
            }
            else if (parameter.IsDefined(typeof(ParamArrayAttribute)))
            {
                values[i] = Array.CreateInstance(parameter.ParameterType.GetElementType()!, 0);
            }
            else
            {
                problems.Add($"missing option '{SnakeCase(parameter.Name!)}'");
            }
        }
        var unknown = keys.Where(k => !used.Contains(k.Key)).Select(k => k.Value.Key).ToList();
        if (unknown.Count > 0)
        {
            var options = parameters.Where(p => !arguments.Supplies(p.ParameterType)).Select(p => SnakeCase(p.Name!));
            problems.Add($"unknown option{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(k => $"'{k}'"))} (options: {string.Join(", ", options)})");
        }
        return new Attempt(method, values, problems, valueError, fromConfig);
    }

    private static object BindProperties(Type type, IConfigurationSection section, BuildArguments arguments, IReadOnlyCollection<string> ignoredKeys)
    {
        var instance = Activator.CreateInstance(type)!;
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true })
            .ToDictionary(p => Normalize(p.Name), p => p);
        foreach (var child in section.GetChildren().Where(c => !ignoredKeys.Contains(c.Key, StringComparer.OrdinalIgnoreCase)))
        {
            if (!properties.TryGetValue(Normalize(child.Key), out var property))
            {
                throw new ConfigException(child.Path,
                    $"unknown option '{child.Key}' of {type.Name} (options: {string.Join(", ", properties.Values.Select(p => SnakeCase(p.Name)))}).");
            }
            property.SetValue(instance, Convert(child, property.PropertyType, arguments));
        }
        return instance;
    }

    private static object? Convert(IConfigurationSection section, Type target, BuildArguments arguments)
    {
        if (Nullable.GetUnderlyingType(target) is { } underlying)
        {
            return IsNull(section) ? null : Convert(section, underlying, arguments);
        }
        if (target == typeof(string))
        {
            return Scalar(section, target);
        }
        if (target.IsPrimitive || target.IsEnum || target == typeof(decimal))
        {
            return ParseScalar(Scalar(section, target), target, section.Path);
        }
        if (target.IsGenericType && target.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal))
        {
            var types = target.GetGenericArguments();
            var items = Items(section);
            if (items.Count != types.Length)
            {
                throw new ConfigException(section.Path, $"expected a list of {types.Length} values, got {(items.Count == 1 && items[0] == section ? section.Value : items.Count.ToString(CultureInfo.InvariantCulture) + " values")}.");
            }
            return Activator.CreateInstance(target, items.Select((item, i) => Convert(item, types[i], arguments)).ToArray());
        }
        if (Registries.For(target) is { } registry)
        {
            return BuildRegistered(section, registry, arguments, []);
        }
        if (DictionaryValueType(target) is { } valueType)
        {
            var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), valueType))!;
            foreach (var child in section.GetChildren())
            {
                dictionary[child.Key] = Convert(child, valueType, arguments);
            }
            return dictionary;
        }
        if (CollectionElementType(target) is { } element)
        {
            var values = Items(section).Select(item => Convert(item, element, arguments)).ToList();
            if (target.IsGenericType && target.GetGenericTypeDefinition() is var definition
                && (definition == typeof(ISet<>) || definition == typeof(IReadOnlySet<>) || definition == typeof(HashSet<>)))
            {
                var set = Activator.CreateInstance(typeof(HashSet<>).MakeGenericType(element))!;
                var add = set.GetType().GetMethod(nameof(HashSet<object>.Add))!;
                values.ForEach(v => add.Invoke(set, [v]));
                return set;
            }
            var array = Array.CreateInstance(element, values.Count);
            for (var i = 0; i < values.Count; i++)
            {
                array.SetValue(values[i], i);
            }
            return target.IsAssignableFrom(array.GetType()) ? array : Activator.CreateInstance(target, array);
        }
        if (target.IsClass && !target.IsAbstract && target.GetConstructor(Type.EmptyTypes) is not null)
        {
            return BindProperties(target, section, arguments, []);
        }
        if (!target.IsAbstract && !target.IsInterface)
        {
            return Construct(target, section, arguments, []);
        }
        throw new ConfigException(section.Path, $"a {target.Name} cannot be given in a configuration file.");
    }

    private static string Scalar(IConfigurationSection section, Type target) =>
        section.Value ?? throw new ConfigException(section.Path, $"expected a single {Describe(target)} value, got {(section.GetChildren().Any() ? "a list or object" : "nothing")}.");

    private static object ParseScalar(string text, Type target, string path)
    {
        var invariant = CultureInfo.InvariantCulture;
        if (target.IsEnum)
        {
            var match = Enum.GetNames(target).FirstOrDefault(n => Normalize(n) == Normalize(text));
            return match is not null
                ? Enum.Parse(target, match)
                : throw new ConfigException(path, $"'{text}' is not one of {string.Join(", ", Enum.GetNames(target))}.");
        }
        object? value = Type.GetTypeCode(target) switch
        {
            TypeCode.Boolean => bool.TryParse(text, out var b) ? b : null,
            TypeCode.Int32 => int.TryParse(text, NumberStyles.Integer, invariant, out var i) ? i : null,
            TypeCode.Int64 => long.TryParse(text, NumberStyles.Integer, invariant, out var l) ? l : null,
            TypeCode.UInt64 => ulong.TryParse(text, NumberStyles.Integer, invariant, out var u) ? u : null,
            TypeCode.Single => float.TryParse(text, NumberStyles.Float, invariant, out var f) ? f : null,
            TypeCode.Double => double.TryParse(text, NumberStyles.Float, invariant, out var d) ? d : null,
            TypeCode.Decimal => decimal.TryParse(text, NumberStyles.Float, invariant, out var m) ? m : null,
            _ => throw new ConfigException(path, $"a {target.Name} cannot be given in a configuration file."),
        };
        return value ?? throw new ConfigException(path, $"'{text}' is not {Describe(target)}.");
    }

    private static string Describe(Type type) => Type.GetTypeCode(type) switch
    {
        TypeCode.Boolean => "true or false",
        TypeCode.Int32 or TypeCode.Int64 or TypeCode.UInt64 => "an integer",
        TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number",
        TypeCode.String => "a string",
        _ => type.Name,
    };

    private static bool IsNull(IConfigurationSection section) => string.IsNullOrEmpty(section.Value) && !section.GetChildren().Any();

    private static Type? DictionaryValueType(Type target)
    {
        if (!target.IsGenericType || target.GetGenericArguments() is not [var key, var value] || key != typeof(string))
        {
            return null;
        }
        var definition = target.GetGenericTypeDefinition();
        return definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(Dictionary<,>) ? value : null;
    }

    private static Type? CollectionElementType(Type target)
    {
        if (target.IsArray)
        {
            return target.GetElementType();
        }
        return target.IsGenericType && target.GetGenericArguments() is [var element] && typeof(IEnumerable).IsAssignableFrom(target) ? element : null;
    }

    // "num_layers", "numLayers" and "NumLayers" are the same option.
    private static string Normalize(string name) => name.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();

    private static string SnakeCase(string name)
    {
        if (name.Contains('_', StringComparison.Ordinal))
        {
            return name;
        }
        var text = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('_');
            }
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }

    private sealed record Attempt(MethodBase Method, object?[] Values, List<string> Problems, ConfigException? ValueError, int FromConfig);
}
