using System.Globalization;

namespace Vision.Engine.Configuration;

/// <summary>
/// What a component gets besides its configuration keys (MMEngine's <c>default_args</c>): objects matched by type,
/// such as the optimizer a scheduler wraps, and values matched by parameter name, such as <c>num_classes</c> for a
/// batch augment. A key in the configuration always wins.
/// </summary>
internal sealed class BuildArguments
{
    private readonly IReadOnlyList<object> services;
    private readonly Dictionary<string, object> named;
    private readonly IReadOnlyList<Type> promisedTypes;
    private readonly HashSet<string> promisedNames;

    /// <param name="services">Objects handed to parameters of a type they are assignable to.</param>
    /// <param name="named">Values by parameter name (any case, underscores ignored), converted to the parameter's numeric type.</param>
    public BuildArguments(IEnumerable<object> services, IReadOnlyDictionary<string, object>? named = null)
        : this(services, named, [], [])
    {
    }

    private BuildArguments(IEnumerable<object> services, IReadOnlyDictionary<string, object>? named, IEnumerable<Type> promisedTypes, IEnumerable<string> promisedNames)
    {
        this.services = [.. services];
        this.named = (named ?? new Dictionary<string, object>()).ToDictionary(p => Normalize(p.Key), p => p.Value);
        this.promisedTypes = [.. promisedTypes];
        this.promisedNames = [.. promisedNames.Select(Normalize)];
    }

    /// <summary>
    /// Arguments that will exist only later, for <see cref="ComponentBuilder.Check"/>: parameters of (or assignable
    /// from) <paramref name="types"/> and parameters named in <paramref name="names"/> count as supplied, without values.
    /// </summary>
    public static BuildArguments Promising(IEnumerable<Type> types, params string[] names) => new([], null, types, names);

    /// <summary>No extra arguments.</summary>
    public static BuildArguments None { get; } = new([]);

    /// <summary>These arguments plus <paramref name="more"/> services and named values (which take precedence).</summary>
    public BuildArguments With(IEnumerable<object> more, IReadOnlyDictionary<string, object>? moreNamed = null)
    {
        var merged = new Dictionary<string, object>(named);
        foreach (var (key, value) in moreNamed ?? new Dictionary<string, object>())
        {
            merged[Normalize(key)] = value;
        }
        return new BuildArguments([.. more, .. services], merged);
    }

    /// <summary>Whether an object is supplied for parameters of <paramref name="type"/> (so the configuration need not, and should not, name it).</summary>
    public bool Supplies(Type type) => !IsSimple(type) && (services.Any(type.IsInstanceOfType) || promisedTypes.Any(type.IsAssignableFrom));

    /// <summary>The value for the parameter <paramref name="normalizedName"/> of <paramref name="type"/>, if supplied.</summary>
    public bool Find(string normalizedName, Type type, out object? value)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (promisedNames.Contains(normalizedName) || !IsSimple(target) && promisedTypes.Any(target.IsAssignableFrom))
        {
            value = null;
            return true;
        }
        if (named.TryGetValue(normalizedName, out var given))
        {
            value = target.IsInstanceOfType(given) ? given : System.Convert.ChangeType(given, target, CultureInfo.InvariantCulture);
            return true;
        }
        value = IsSimple(target) ? null : services.FirstOrDefault(target.IsInstanceOfType);
        return value is not null;
    }

    private static string Normalize(string name) => name.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();

    private static bool IsSimple(Type type) => type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal);
}
