using System.Globalization;
using Microsoft.Extensions.Configuration;
using Vision.Engine.Configuration;

namespace Vision.Cli.Inference;

/// <summary>
/// What <c>infer --config</c> takes from a training config: the model section (registry name, image size, class
/// count, architecture overrides) and the data preprocessor's mean and std, so a model is run the way it was trained.
/// </summary>
internal sealed record TrainingDefaults(
    string? Model, int? ImageSize, int? NumClasses, IReadOnlyDictionary<string, string> Overrides,
    IReadOnlyList<double>? Mean, IReadOnlyList<double>? Std)
{
    /// <summary>The image channels the model takes (its <c>in_channels</c> override), or null when not set.</summary>
    public int? InChannels => Overrides.TryGetValue("in_channels", out var text) && int.TryParse(text, CultureInfo.InvariantCulture, out var channels) ? channels : null;

    /// <summary>The mean for <paramref name="channels"/> channels: one configured value applies to every channel, as in training.</summary>
    public IReadOnlyList<double>? MeanFor(int channels) => PerChannel(Mean, channels);

    /// <summary>The std for <paramref name="channels"/> channels: one configured value applies to every channel, as in training.</summary>
    public IReadOnlyList<double>? StdFor(int channels) => PerChannel(Std, channels);

    /// <summary>Reads <paramref name="path"/> with its <c>_base_</c> files.</summary>
    /// <exception cref="ConfigException">A value is not a number.</exception>
    public static TrainingDefaults Read(string path)
    {
        var config = Config.FromFile(path);
        var model = config.GetSection("model");
        var preprocessor = config.GetSection("trainer:data_preprocessor");
        return new TrainingDefaults(
            model["type"],
            Integer(model.GetSection("img_size")),
            Integer(model.GetSection("num_classes")),
            model.GetSection("overrides").GetChildren().ToDictionary(
                c => c.Key, c => c.Value ?? string.Join(",", c.GetChildren().Select(i => i.Value)), StringComparer.Ordinal),
            Numbers(preprocessor.GetSection("mean")),
            Numbers(preprocessor.GetSection("std")));
    }

    private static IReadOnlyList<double>? PerChannel(IReadOnlyList<double>? values, int channels) =>
        values is [var single] ? Enumerable.Repeat(single, channels).ToList() : values;

    private static int? Integer(IConfigurationSection section) =>
        section.Value is not { } text ? null
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value
        : throw new ConfigException(section.Path, $"'{text}' is not an integer.");

    private static IReadOnlyList<double>? Numbers(IConfigurationSection section)
    {
        var items = section.GetChildren().ToList();
        if (items.Count == 0)
        {
            return null;
        }
        return items.OrderBy(i => int.Parse(i.Key, CultureInfo.InvariantCulture)).Select(i =>
            double.TryParse(i.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new ConfigException(i.Path, $"'{i.Value}' is not a number.")).ToList();
    }
}
