using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vision.Engine.Configuration;

/// <summary>
/// One command-line override, <c>path=value</c> (the argument of <c>--set</c>, MMEngine's <c>--cfg-options</c>):
/// the path is colon-separated as in <see cref="Microsoft.Extensions.Configuration.IConfiguration"/>
/// (<c>optimizer:lr</c>), and a number segment indexes into an existing array (<c>param_scheduler:0:end</c>). The
/// value is read as JSON when it parses (numbers, true/false, null, arrays, objects) and as a plain string
/// otherwise, so <c>type=AdamW</c> needs no quotes. It is layered like a config file: an object value merges
/// into the object at the path (<c>"_delete_": true</c> replaces it), anything else replaces the value there. An
/// empty value (<c>trainer:load_from=</c>) clears the setting: the key is removed, so its default applies.
/// </summary>
internal sealed class ConfigOverride
{
    private readonly string[] path;
    private readonly JsonNode? value;
    private readonly bool clears;

    private ConfigOverride(string text, string[] path, JsonNode? value, bool clears)
    {
        Text = text;
        this.path = path;
        this.value = value;
        this.clears = clears;
    }

    /// <summary>The override as given.</summary>
    public string Text { get; }

    /// <summary>Parses <c>path=value</c>.</summary>
    /// <exception cref="ArgumentException">There is no '=', or the path is empty or has an empty segment.</exception>
    public static ConfigOverride Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            throw new ArgumentException($"--set {text}: expected PATH=VALUE, e.g. optimizer:lr=0.001.", nameof(text));
        }
        var segments = text[..equals].Trim().Split(':');
        if (segments.Any(s => s.Trim().Length == 0))
        {
            throw new ArgumentException(
                $"--set {text}: the path '{text[..equals]}' must be keys separated by ':' with none empty, e.g. optimizer:lr.", nameof(text));
        }
        var value = text[(equals + 1)..];
        return new ConfigOverride(text, [.. segments.Select(s => s.Trim())], ParseValue(value), clears: value.Trim().Length == 0);
    }

    /// <summary>Applies the override to <paramref name="config"/> in place, creating missing objects along the path.</summary>
    /// <exception cref="ArgumentException">The path runs into a value that is not an object, indexes an array
    /// with something that is not an index of it, or clears an array item.</exception>
    public void ApplyTo(JsonObject config)
    {
        JsonNode container = config;
        for (var i = 0; i < path.Length; i++)
        {
            var last = i == path.Length - 1;
            switch (container)
            {
                case JsonObject obj:
                    if (last && clears)
                    {
                        obj.Remove(path[i]);
                        return;
                    }
                    if (last)
                    {
                        ConfigMerger.Merge(obj, new JsonObject(ConfigLoader.NodeOptions) { [path[i]] = value?.DeepClone() }, Origin);
                        return;
                    }
                    if (obj[path[i]] is not { } next)
                    {
                        next = new JsonObject(ConfigLoader.NodeOptions);
                        obj[path[i]] = next;
                    }
                    container = next;
                    break;
                case JsonArray array:
                    if (!int.TryParse(path[i], NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= array.Count)
                    {
                        throw new ArgumentException(
                            $"{Origin}: {array.GetPath()} is an array of {array.Count} items, so '{path[i]}' must be an index from 0 to {array.Count - 1}.");
                    }
                    if (last && clears)
                    {
                        throw new ArgumentException($"{Origin}: an empty value clears a setting, but {array.GetPath()}[{index}] is an array item; remove it by setting the whole array.");
                    }
                    if (last)
                    {
                        var merged = ConfigMerger.Combine(array[index], value, Origin);
                        if (!ReferenceEquals(merged, array[index]))
                        {
                            array[index] = merged;
                        }
                        return;
                    }
                    container = array[index] ?? throw new ArgumentException($"{Origin}: {array.GetPath()}[{index}] is null, so it has no '{path[i + 1]}'.");
                    break;
                default:
                    throw new ArgumentException(
                        $"{Origin}: {container.GetPath()} is a {container.GetValueKind().ToString().ToLowerInvariant()} ({container.ToJsonString()}), so it has no '{path[i]}'.");
            }
        }
    }

    private string Origin => $"--set {Text}";

    private static JsonNode? ParseValue(string text)
    {
        try
        {
            return JsonNode.Parse(text, ConfigLoader.NodeOptions);
        }
        catch (JsonException)
        {
            // Not JSON: a bare word such as AdamW, a path or an empty value is meant as a string.
            return JsonValue.Create(text);
        }
    }
}
