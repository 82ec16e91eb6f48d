using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vision.Engine.Evolve;

/// <summary>Reads values at colon-separated paths (<c>param_scheduler:0:end</c>) of a configuration tree.</summary>
internal static class ConfigTree
{
    /// <summary>The node at <paramref name="path"/>, or null when a key or index along it is missing.</summary>
    public static JsonNode? Find(JsonObject root, string path)
    {
        JsonNode? node = root;
        foreach (var segment in path.Split(':'))
        {
            node = node switch
            {
                JsonObject obj => obj.TryGetPropertyValue(segment, out var child) ? child : null,
                JsonArray array when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.Count => array[i],
                _ => null,
            };
            if (node is null)
            {
                return null;
            }
        }
        return node;
    }

    /// <summary>The number at <paramref name="path"/>, or null when there is none.</summary>
    public static double? Number(JsonObject root, string path) =>
        Find(root, path) is JsonValue value && value.GetValueKind() == JsonValueKind.Number ? value.GetValue<double>() : null;
}
