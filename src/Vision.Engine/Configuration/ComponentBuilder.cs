using System.Collections;
using System.ComponentModel;
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

    /// <summary>
    /// Checks a component section without creating it: the type is registered, every key names a parameter of one of
    /// its constructors or factories, and every value converts. <paramref name="promised"/> names what the trainer
    /// fills in later (<see cref="BuildArguments.Promising"/>). Lets a configuration report all its mistakes before the
    /// objects those components need (the model, the optimizer) exist.
    /// </summary>
    /// <exception cref="ConfigException">What <see cref="Build{T}"/> would report for the same keys.</exception>
    public static void Check(IConfigurationSection section, ComponentRegistry registry, BuildArguments promised, params string[] ignoredKeys)
    {
        var type = ResolveType(section, registry);
        Choose(type, section, promised, [TypeKey, .. ignoredKeys]);
    }

    /// <summary>Sets the public properties of a new <typeparamref name="T"/> from the keys of <paramref name="section"/> (for option classes such as <c>DataLoaderOptions</c>).</summary>
    /// <exception cref="ConfigException">A key names no settable property, or its value does not convert.</exception>
    public static T BindProperties<T>(IConfigurationSection section, BuildArguments arguments, params string[] ignoredKeys) where T : new() =>
        (T)BindProperties(typeof(T), section, arguments, ignoredKeys);

    /// <summary>The value of <paramref name="key"/> in <paramref name="section"/> converted by the binder's rules, or <paramref name="fallback"/> when absent.</summary>
    /// <exception cref="ConfigException">The value does not convert (the message names its path).</exception>
    public static T Value<T>(IConfigurationSection section, string key, T fallback)
    {
        var child = section.GetSection(key);
        return IsEmpty(child) ? fallback : (T)Convert(child, typeof(T), BuildArguments.None)!;
    }

    /// <summary>Whether <paramref name="section"/> is absent or empty.</summary>
    public static bool IsEmpty(IConfigurationSection section) => section.Value is null && !section.GetChildren().Any();

    /// <summary>The items of an array section in index order (a single object counts as a one-item list, an empty list as none).</summary>
    public static IReadOnlyList<IConfigurationSection> Items(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count > 0 && children.All(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            return [.. children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture))];
        }
        // JSON's [] reaches the configuration as an empty value.
        return IsNull(section) ? [] : [section];
    }

    private static object BuildRegistered(IConfigurationSection section, ComponentRegistry registry, BuildArguments arguments, IReadOnlyCollection<string> ignoredKeys) =>
        Construct(ResolveType(section, registry), section, arguments, [TypeKey, .. ignoredKeys]);

    private static Type ResolveType(IConfigurationSection section, ComponentRegistry registry)
    {
        var name = section[TypeKey];
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ConfigException(section.Path, $"a {registry.Kind} needs a \"type\"; registered: {string.Join(", ", registry.Names)}.");
        }
        return registry.Resolve(name, $"{section.Path}:{TypeKey}");
    }

    private static object Construct(Type type, IConfigurationSection section, BuildArguments arguments, IReadOnlyCollection<string> ignoredKeys)
    {
        var chosen = Choose(type, section, arguments, ignoredKeys);
        try
        {
            return chosen.Method is ConstructorInfo constructor ? constructor.Invoke(chosen.Values) : chosen.Method.Invoke(null, chosen.Values)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is { } inner)
        {
            throw new ConfigException(section.Path, $"{type.Name}: {inner.Message}", inner);
        }
    }

    // Tries every public constructor and static factory of the type; the first that binds every key wins, ranked by
    // how many parameters the configuration itself gave.
    private static Attempt Choose(Type type, IConfigurationSection section, BuildArguments arguments, IReadOnlyCollection<string> ignoredKeys)
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
        return chosen;
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
                    values[i] = ClearsNullable(child, context => context.Create(parameter)) ? null : Convert(child, parameter.ParameterType, arguments);
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

    /// <summary>
    /// Sets the public properties of <paramref name="instance"/> from the keys of <paramref name="configuration"/>,
    /// binding nested option objects in place, and adds every unknown key and malformed value to
    /// <paramref name="errors"/> (each with its path) instead of stopping at the first. Keys match a property's name
    /// or its <see cref="ConfigurationKeyNameAttribute"/>, ignoring case and underscores.
    /// </summary>
    public static void BindInto(object instance, IConfiguration configuration, BuildArguments arguments, ICollection<ConfigException> errors, params string[] ignoredKeys)
    {
        var type = instance.GetType();
        var properties = SettableProperties(type);
        foreach (var child in configuration.GetChildren().Where(c => !ignoredKeys.Contains(c.Key, StringComparer.OrdinalIgnoreCase)))
        {
            if (!properties.TryGetValue(Normalize(child.Key), out var property))
            {
                var names = properties.Values.Distinct().Select(KeyName);
                var owner = type.GetCustomAttribute<DisplayNameAttribute>()?.DisplayName ?? type.Name;
                var hint = type.GetCustomAttribute<DescriptionAttribute>() is { } description ? "; " + description.Description : "";
                errors.Add(new ConfigException(child.Path, $"unknown option '{child.Key}' of {owner} (options: {string.Join(", ", names)}{hint})."));
                continue;
            }
            try
            {
                if (property.GetValue(instance) is { } current && IsOptionsObject(property.PropertyType) && child.GetChildren().Any())
                {
                    BindInto(current, child, arguments, errors);
                }
                else
                {
                    property.SetValue(instance, ClearsNullable(child, context => context.Create(property)) ? null : Convert(child, property.PropertyType, arguments));
                }
            }
            catch (ConfigException e)
            {
                foreach (var error in e.Errors)
                {
                    errors.Add(error);
                }
            }
        }
    }

    private static object BindProperties(Type type, IConfigurationSection section, BuildArguments arguments, IReadOnlyCollection<string> ignoredKeys)
    {
        var instance = Activator.CreateInstance(type)!;
        var errors = new List<ConfigException>();
        BindInto(instance, section, arguments, errors, [.. ignoredKeys]);
        return errors.Count == 0 ? instance : throw ConfigException.Combine(errors);
    }

    // Each settable property under its normalised name and, when it has one, its configuration key name.
    private static Dictionary<string, PropertyInfo> SettableProperties(Type type)
    {
        var properties = new Dictionary<string, PropertyInfo>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
        {
            properties.TryAdd(Normalize(property.Name), property);
            if (property.GetCustomAttribute<ConfigurationKeyNameAttribute>() is { } key)
            {
                properties.TryAdd(Normalize(key.Name), property);
            }
        }
        return properties;
    }

    private static string KeyName(PropertyInfo property) =>
        property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? SnakeCase(property.Name);

    // A plain settings class (ClipGradOptions, CheckpointOptions, …), bound key by key rather than replaced.
    private static bool IsOptionsObject(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type) && Registries.For(type) is null
        && type.GetConstructor(Type.EmptyTypes) is not null;

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
        section.Value ?? throw new ConfigException(section.Path, $"expected {Describe(target)}, got {(section.GetChildren().Any() ? "a list or object" : "nothing")}.");

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

    // null for an option that may be null clears it, as None does in an MMEngine config ("save_best": null).
    // The nullability is read (by reflection) only for a null value.
    private static bool ClearsNullable(IConfigurationSection section, Func<NullabilityInfoContext, NullabilityInfo> nullability) =>
        IsNull(section) && nullability(new NullabilityInfoContext()).WriteState == NullabilityState.Nullable;

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
