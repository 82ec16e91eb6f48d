using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vision.Engine.Configuration;

namespace Vision.Engine.Evolve;

/// <summary>
/// The hyperparameters an evolution searches: <see cref="ClassificationSearchSpace"/>'s defaults that apply to the
/// configuration, changed and extended by the <c>evolve.space</c> section and restricted by <c>evolve.keys</c>:
/// <code>
/// "evolve": {
///   "space": {
///     "lr": [1, 0.0001, 0.3],                                              // gain, low, high of a default
///     "drop_rate": { "path": "model:drop_rate", "gain": 1, "low": 0, "high": 0.5 },   // a new key
///     "batch_size": { "path": "train_dataloader:batch_size", "gain": 0.5, "low": 16, "high": 256, "integer": true }
///   },
///   "keys": ["lr", "momentum", "drop_rate"]                                // only these (optional)
/// }
/// </code>
/// </summary>
public sealed class SearchSpace
{
    /// <summary>Creates a space of <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentException">The list is empty, a name repeats, a declaration is invalid, or no key has a positive gain.</exception>
    public SearchSpace(IReadOnlyList<HyperParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0)
        {
            throw new ArgumentException("the search space is empty: the configuration sets none of the default hyperparameters; declare some under evolve.space.");
        }
        foreach (var parameter in parameters)
        {
            parameter.Validate();
        }
        if (parameters.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"the search space declares '{twice.Key}' twice.");
        }
        if (parameters.All(p => p.Gain == 0))
        {
            throw new ArgumentException("every hyperparameter has gain 0, so no mutation can change anything.");
        }
        Parameters = parameters;
    }

    /// <summary>The hyperparameters, in column order.</summary>
    public IReadOnlyList<HyperParameter> Parameters { get; }

    /// <summary>The names, in column order.</summary>
    public IReadOnlyList<string> Names => [.. Parameters.Select(p => p.Name)];

    /// <summary>The space for <paramref name="config"/>: the applicable defaults, the <c>evolve.space</c> changes, then <c>evolve.keys</c>.</summary>
    /// <exception cref="ConfigException">The <c>evolve</c> section is malformed, or a key's path is not set in the configuration.</exception>
    public static SearchSpace FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var parameters = ClassificationSearchSpace.For(config).ToList();
        if (ConfigTree.Find(config, "evolve:space") is { } space)
        {
            if (space is not JsonObject entries)
            {
                throw new ConfigException("evolve:space", "must be an object of name: [gain, low, high] or name: { \"path\": …, \"gain\": …, \"low\": …, \"high\": … }.");
            }
            foreach (var (name, node) in entries)
            {
                var index = parameters.FindIndex(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
                var entry = Declaration(name, node, index < 0 ? null : parameters[index]);
                if (ConfigTree.Number(config, entry.Paths[0]) is null)
                {
                    throw new ConfigException($"evolve:space:{name}", $"the configuration sets no number at {entry.Paths[0]}; give it a starting value (e.g. --set {entry.Paths[0]}=…).");
                }
                if (index < 0)
                {
                    parameters.Add(entry);
                }
                else
                {
                    parameters[index] = entry;
                }
            }
        }
        if (ConfigTree.Find(config, "evolve:keys") is { } keys)
        {
            var wanted = keys is JsonArray array ? array.Select(k => k?.ToString() ?? "").ToList()
                : throw new ConfigException("evolve:keys", "must be a list of hyperparameter names, e.g. [\"lr\", \"momentum\"].");
            if (wanted.FirstOrDefault(k => !parameters.Any(p => string.Equals(p.Name, k, StringComparison.OrdinalIgnoreCase))) is { } unknown)
            {
                throw new ConfigException("evolve:keys", $"'{unknown}' is not in the search space (it has: {string.Join(", ", parameters.Select(p => p.Name))}).");
            }
            parameters = [.. parameters.Where(p => wanted.Contains(p.Name, StringComparer.OrdinalIgnoreCase))];
        }
        try
        {
            return new SearchSpace(parameters);
        }
        catch (ArgumentException e)
        {
            throw new ConfigException("evolve:space", e.Message, e);
        }
    }

    /// <summary>The current values of the hyperparameters in <paramref name="config"/> (from each one's first path).</summary>
    /// <exception cref="ConfigException">A path holds no number.</exception>
    public double[] ValuesIn(JsonObject config) =>
        [.. Parameters.Select(p => ConfigTree.Number(config, p.Paths[0])
            ?? throw new ConfigException(p.Paths[0], $"hyperparameter '{p.Name}' needs a number here."))];

    /// <summary>The <c>--set</c> overrides (<c>path=value</c>) that give a configuration <paramref name="values"/>.</summary>
    public IReadOnlyList<string> Overrides(IReadOnlyList<double> values)
    {
        if (values.Count != Parameters.Count)
        {
            throw new ArgumentException($"expected {Parameters.Count} values ({string.Join(", ", Names)}), got {values.Count}.", nameof(values));
        }
        return [.. Parameters.SelectMany((p, i) => p.Paths.Select(path => $"{path}={Format(values[i])}"))];
    }

    /// <summary>A value as written to files: the shortest text that reads back to the same double.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static HyperParameter Declaration(string name, JsonNode? node, HyperParameter? existing)
    {
        var path = $"evolve:space:{name}";
        try
        {
            switch (node)
            {
                case JsonArray { Count: 3 } triple when existing is not null:
                    return existing with { Gain = Value(triple[0]), Low = Value(triple[1]), High = Value(triple[2]) };
                case JsonObject obj:
                    var paths = obj["path"] switch
                    {
                        JsonArray many => many.Select(p => p!.GetValue<string>()).ToList(),
                        JsonValue one => [one.GetValue<string>()],
                        null when existing is not null => existing.Paths,
                        _ => throw new ConfigException(path, $"a new hyperparameter needs a \"path\", e.g. {{ \"path\": \"model:drop_rate\", \"gain\": 1, \"low\": 0, \"high\": 0.5 }}."),
                    };
                    return new HyperParameter(name, paths,
                        obj["gain"] is { } g ? Value(g) : existing?.Gain ?? 1,
                        obj["low"] is { } l ? Value(l) : existing?.Low ?? throw new ConfigException(path, "needs \"low\"."),
                        obj["high"] is { } h ? Value(h) : existing?.High ?? throw new ConfigException(path, "needs \"high\"."),
                        obj["integer"]?.GetValue<bool>() ?? existing?.IsInteger ?? false);
                default:
                    throw new ConfigException(path, existing is null
                        ? $"'{name}' is not a default hyperparameter, so declare it as {{ \"path\": …, \"gain\": …, \"low\": …, \"high\": … }}."
                        : "expected [gain, low, high] or an object with path, gain, low, high.");
            }
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException)
        {
            throw new ConfigException(path, $"malformed declaration ({e.Message}).", e);
        }
    }

    private static double Value(JsonNode? node) => node?.GetValue<double>() ?? throw new FormatException("a number is null");
}
