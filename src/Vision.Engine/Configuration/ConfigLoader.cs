using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vision.Engine.Configuration;

/// <summary>
/// Reads a JSON config file and the files its <c>"_base_"</c> list names (MMPreTrain's config inheritance): paths
/// are relative to the file that lists them; the bases are merged in list order and the file itself last, so later
/// bases override earlier ones and the file overrides them all. (MMEngine refuses keys shared by two bases; here
/// the later one wins, so a base can refine another.) Comments and trailing commas are allowed.
/// </summary>
internal static class ConfigLoader
{
    /// <summary>The key that lists a file's bases.</summary>
    public const string BaseKey = "_base_";

    /// <summary>
    /// Keys compare case-insensitively, as in <see cref="Microsoft.Extensions.Configuration.IConfiguration"/>: "LR"
    /// in a child overrides "lr" in a base instead of standing beside it as a duplicate.
    /// </summary>
    public static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = true };

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private static readonly StringComparer PathComparer = OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>Loads <paramref name="path"/> with its bases merged in.</summary>
    /// <exception cref="FileNotFoundException">The file or one of its bases does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is not valid JSON, is not a JSON object, has a malformed
    /// <c>_base_</c> or <c>_delete_</c>, or the bases form a cycle; the message names the file (and line or JSON path).</exception>
    public static JsonObject Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = Path.GetFullPath(path);
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"Config file {file} not found.", file);
        }
        return Load(file, []);
    }

    /// <summary>Parses JSON text into a config tree.</summary>
    /// <param name="json">The text.</param>
    /// <param name="source">The file the text came from, for error messages.</param>
    /// <exception cref="InvalidDataException">The text is not valid JSON or not a JSON object.</exception>
    private static JsonObject Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(
                $"{source}: invalid JSON at line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}: {Reason(e)}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{source}: a config file must hold one JSON object, got {root.ValueKind}.");
            }
            CheckUniqueKeys(root, "$", source);
            return JsonObject.Create(root.Clone(), NodeOptions)!;
        }
    }

    // JsonObject finds a repeated key only when first read, far from its file; the keys compare ignoring case here
    // because they do in the merged config.
    private static void CheckUniqueKeys(JsonElement element, string path, string source)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                CheckUniqueKeys(item, $"{path}[{index++}]", source);
            }
        }
        else if (element.ValueKind == JsonValueKind.Object)
        {
            var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in element.EnumerateObject())
            {
                if (!seen.TryAdd(property.Name, property.Name))
                {
                    throw new InvalidDataException(
                        $"{source}: {path} has the key '{seen[property.Name]}' twice (as '{property.Name}'); keys compare ignoring case.");
                }
                CheckUniqueKeys(property.Value, $"{path}.{property.Name}", source);
            }
        }
    }

    private static JsonObject Load(string file, List<string> chain)
    {
        if (chain.Contains(file, PathComparer))
        {
            throw new InvalidDataException(
                $"The _base_ files form a cycle: {string.Join(" -> ", chain.SkipWhile(f => !PathComparer.Equals(f, file)).Append(file))}.");
        }
        chain.Add(file);
        var own = Parse(File.ReadAllText(file), file);
        var merged = new JsonObject(NodeOptions);
        foreach (var basePath in BasePaths(own, file))
        {
            ConfigMerger.Merge(merged, Load(basePath, chain), basePath);
        }
        own.Remove(BaseKey);
        ConfigMerger.Merge(merged, own, file);
        chain.RemoveAt(chain.Count - 1);
        return merged;
    }

    private static List<string> BasePaths(JsonObject config, string file)
    {
        if (!config.TryGetPropertyValue(BaseKey, out var node))
        {
            return [];
        }
        JsonNode?[] entries = node is JsonArray list ? [.. list] : [node];
        var paths = new List<string>();
        foreach (var entry in entries)
        {
            if (entry is not JsonValue value || !value.TryGetValue<string>(out var relative) || relative.Length == 0)
            {
                throw new InvalidDataException(
                    $"{file}: {entry?.GetPath() ?? "$." + BaseKey} must be a path or a list of paths relative to the file, got {entry?.ToJsonString() ?? "null"}.");
            }
            var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, relative));
            if (!File.Exists(full))
            {
                throw new FileNotFoundException($"{file}: the base config '{relative}' ({full}) not found.", full);
            }
            paths.Add(full);
        }
        return paths;
    }

    // System.Text.Json appends the path and 0-based position to its messages; the message above gives them 1-based.
    private static string Reason(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        }
        var reason = cut >= 0 ? message[..cut] : message;
        return e.Path is { Length: > 1 } path ? $"{reason} (at {path})" : reason;
    }
}
