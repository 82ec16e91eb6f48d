using System.Text.Json.Nodes;

namespace Vision.Engine.Configuration;

/// <summary>
/// MMEngine's config merge: objects merge key by key with the incoming side winning, anything else (numbers,
/// strings, arrays) is replaced whole, and an incoming object marked <c>"_delete_": true</c> replaces the existing
/// one instead of merging into it. The marker never reaches the result.
/// </summary>
internal static class ConfigMerger
{
    /// <summary>The key that makes an object replace rather than merge.</summary>
    public const string DeleteKey = "_delete_";

    /// <summary>Merges <paramref name="source"/> into <paramref name="target"/> in place; <paramref name="source"/> is not changed.</summary>
    /// <param name="target">The config being built.</param>
    /// <param name="source">The layer on top of it.</param>
    /// <param name="origin">Where <paramref name="source"/> came from (a file or a --set), for error messages.</param>
    /// <exception cref="InvalidDataException">A <c>_delete_</c> value is not a boolean.</exception>
    public static void Merge(JsonObject target, JsonObject source, string origin)
    {
        foreach (var (key, value) in source)
        {
            if (key == DeleteKey)
            {
                continue;
            }
            var existing = target[key];
            var merged = Combine(existing, value, origin);
            if (!ReferenceEquals(merged, existing))
            {
                target[key] = merged;
            }
        }
    }

    /// <summary>
    /// The result of layering <paramref name="incoming"/> over <paramref name="existing"/>: <paramref name="existing"/>
    /// itself, merged in place, when both are objects and no <c>_delete_</c> asks otherwise; else a copy of
    /// <paramref name="incoming"/> without <c>_delete_</c> markers.
    /// </summary>
    public static JsonNode? Combine(JsonNode? existing, JsonNode? incoming, string origin)
    {
        if (incoming is not JsonObject layer)
        {
            return incoming?.DeepClone();
        }
        var replace = Deletes(layer, origin);
        if (existing is JsonObject current && !replace)
        {
            Merge(current, layer, origin);
            return current;
        }
        var copy = new JsonObject(layer.Options);
        Merge(copy, layer, origin);
        return copy;
    }

    private static bool Deletes(JsonObject layer, string origin)
    {
        if (!layer.TryGetPropertyValue(DeleteKey, out var flag))
        {
            return false;
        }
        if (flag is JsonValue value && value.TryGetValue<bool>(out var delete))
        {
            return delete;
        }
        throw new InvalidDataException(
            $"{origin}: {flag?.GetPath() ?? layer.GetPath() + "." + DeleteKey} must be true or false, got {flag?.ToJsonString() ?? "null"}.");
    }
}
