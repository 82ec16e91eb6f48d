using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vision.Engine.Configuration;

namespace Vision.Engine.Evolve;

/// <summary>
/// The <c>evolve</c> section of a configuration (all keys optional):
/// <code>
/// "evolve": {
///   "space": { … }, "keys": [ … ],                        // see SearchSpace
///   "fitness": "accuracy/top1=0.9,accuracy/top5=0.1",      // or { "accuracy/top1": 0.9, "accuracy/top5": 0.1 }
///   "parent": "single",                                    // or "weighted"
///   "strategy": "evolve",                                  // or "random"
///   "early_stopping": { "type": "median", "min_trials": 3, "grace": 1 }
/// }
/// </code>
/// The command line changes it like any other section (<c>--set evolve:parent=weighted</c>).
/// </summary>
/// <param name="Space">The searched hyperparameters.</param>
/// <param name="Fitness">How metrics become fitness.</param>
/// <param name="Parent">How parents are selected.</param>
/// <param name="Strategy">Genetic or random search.</param>
/// <param name="EarlyStopping">The rule that stops hopeless candidates, or null to train each for its whole budget.</param>
public sealed record EvolveSettings(SearchSpace Space, FitnessFunction Fitness, ParentSelection Parent, SearchStrategy Strategy, MedianStoppingRule? EarlyStopping)
{
    private static readonly string[] Keys = ["space", "keys", "fitness", "parent", "strategy", "early_stopping"];

    /// <summary>Reads the settings of <paramref name="config"/>.</summary>
    /// <exception cref="ConfigException">A key is unknown or malformed (the message starts with its path).</exception>
    public static EvolveSettings FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = ConfigTree.Find(config, "evolve") switch
        {
            null => new JsonObject(),
            JsonObject obj => obj,
            _ => throw new ConfigException("evolve", "must be an object, e.g. { \"fitness\": \"accuracy/top1\", \"parent\": \"single\" }."),
        };
        if (section.Select(p => p.Key).FirstOrDefault(k => !Keys.Contains(k, StringComparer.OrdinalIgnoreCase)) is { } unknown)
        {
            throw new ConfigException($"evolve:{unknown}", $"unknown option '{unknown}' (options: {string.Join(", ", Keys)}).");
        }
        return new EvolveSettings(
            SearchSpace.FromConfig(config),
            ParseFitness(section["fitness"]),
            Choice(section["parent"], "parent", ParentSelection.Single),
            Choice(section["strategy"], "strategy", SearchStrategy.Evolve),
            EarlyStoppingRule(section["early_stopping"]));
    }

    private static FitnessFunction ParseFitness(JsonNode? node)
    {
        try
        {
            return node switch
            {
                null => FitnessFunction.Default,
                JsonObject weights => new FitnessFunction(weights.ToDictionary(w => w.Key, w => w.Value!.GetValue<double>())),
                _ => FitnessFunction.Parse(node.GetValue<string>()),
            };
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or NullReferenceException)
        {
            throw new ConfigException("evolve:fitness", $"{e.Message} Write \"accuracy/top1=0.9,accuracy/top5=0.1\" or {{ \"accuracy/top1\": 1 }}.", e);
        }
    }

    private static T Choice<T>(JsonNode? node, string key, T fallback) where T : struct, Enum
    {
        if (node is null)
        {
            return fallback;
        }
        var text = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
        return Enum.TryParse<T>(text, ignoreCase: true, out var value) && !int.TryParse(text, CultureInfo.InvariantCulture, out _) ? value
            : throw new ConfigException($"evolve:{key}", $"'{text}' is not one of: {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}.");
    }

    private static MedianStoppingRule? EarlyStoppingRule(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonValue value when value.GetValueKind() == JsonValueKind.False:
                return null;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is var text:
                return text.Equals("median", StringComparison.OrdinalIgnoreCase) ? new MedianStoppingRule()
                    : text.Equals("none", StringComparison.OrdinalIgnoreCase) ? null
                    : throw new ConfigException("evolve:early_stopping", $"'{text}' is not a rule; use \"median\" or \"none\".");
            case JsonObject obj:
                var type = obj["type"]?.ToString() ?? "median";
                if (!type.Equals("median", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ConfigException("evolve:early_stopping:type", $"'{type}' is not a rule; the only one is \"median\".");
                }
                if (obj.Select(p => p.Key).FirstOrDefault(k => k is not ("type" or "min_trials" or "grace")) is { } unknown)
                {
                    throw new ConfigException($"evolve:early_stopping:{unknown}", $"unknown option '{unknown}' (options: type, min_trials, grace).");
                }
                var rule = new MedianStoppingRule(Integer(obj, "min_trials", 3), Integer(obj, "grace", 1));
                return rule.MinTrials >= 1 && rule.GraceValidations >= 0 ? rule
                    : throw new ConfigException("evolve:early_stopping", "min_trials must be at least 1 and grace at least 0.");
            default:
                throw new ConfigException("evolve:early_stopping", "expected \"median\", \"none\", false or { \"type\": \"median\", \"min_trials\": 3, \"grace\": 1 }.");
        }
    }

    private static int Integer(JsonObject obj, string key, int fallback)
    {
        try
        {
            return obj[key]?.GetValue<int>() ?? fallback;
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw new ConfigException($"evolve:early_stopping:{key}", "must be a whole number.", e);
        }
    }
}
