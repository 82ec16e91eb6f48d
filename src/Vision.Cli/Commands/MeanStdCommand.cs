using System.CommandLine;
using Spectre.Console;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vision.Cli.Output;
using Vision.Data.Datasets;
using Vision.Data.Image;

namespace Vision.Cli.Commands;

/// <summary>
/// <c>vision mean-std &lt;folder&gt;</c>: the per-channel mean and standard deviation of every image under a folder
/// (<see cref="ChannelStats"/>: exact, over all pixels together), in pixel units 0–255 — what the data preprocessor's
/// and <c>vision infer</c>'s mean/std take — and in 0–1 units, torchvision's <c>Normalize</c> convention.
/// </summary>
public static class MeanStdCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var folder = new Argument<string>("folder")
        {
            Description = "A class-per-folder dataset or a plain folder of images; every image under it counts (recursively).",
        };
        var grayscale = new Option<bool>("--grayscale") { Description = "Decode images as one gray channel instead of RGB." };
        var json = new Option<bool>("--json") { Description = "Print the statistics as JSON instead of text." };

        var command = new Command("mean-std", "Compute the per-channel mean and standard deviation of a folder of images.")
        {
            folder, grayscale, json,
        };
        command.SetAction(result => Run(
            result.GetRequiredValue(folder), result.GetValue(grayscale) ? ImageReadMode.Grayscale : ImageReadMode.Rgb, result.GetValue(json),
            result.InvocationConfiguration.Output));
        return command;
    }

    private static int Run(string folder, ImageReadMode mode, bool json, TextWriter output)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The image folder {folder} does not exist.");
        }
        // The folder as the single class of its parent: ImageFolder then indexes every image under it, whether the
        // folder is a class-per-folder tree or holds the images itself, and no images at all is its clear error.
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var parent = Path.GetDirectoryName(full) ?? throw new ArgumentException($"mean-std needs a folder below the file-system root, got {folder}.");
        var dataset = new ImageFolder(parent, classes: [Path.GetFileName(full)], mode: mode);
        var stats = ChannelStats.Compute(dataset);

        var mean01 = stats.Mean.Select(m => m / 255).ToList();
        var std01 = stats.Std.Select(s => s / 255).ToList();
        if (json)
        {
            var report = new MeanStdReport(dataset.Count, stats.PixelCount, stats.Mean, stats.Std, mean01, std01);
            output.WriteLine(JsonSerializer.Serialize(report, JsonOptions));
            return 0;
        }
        var console = CliConsole.Create(output);
        console.WriteLine($"{dataset.Count} images, {stats.PixelCount.ToString("N0", CultureInfo.InvariantCulture)} pixels per channel, under {folder}");
        var table = CliConsole.Table("units", "mean", "std");
        table.AddTextRow("0-255", List(stats.Mean, "F3"), List(stats.Std, "F3"));
        table.AddTextRow("0-1", List(mean01, "F4"), List(std01, "F4"));
        console.Write(table);
        console.WriteLine($"vision infer ... --mean {List(stats.Mean, "F3", ",")} --std {List(stats.Std, "F3", ",")}");
        return 0;
    }

    private static string List(IEnumerable<double> values, string format, string separator = ", ") =>
        string.Join(separator, values.Select(v => v.ToString(format, CultureInfo.InvariantCulture)));

    /// <summary>The JSON form of the statistics; the 0–255 lists are what the preprocessors' mean/std take.</summary>
    private sealed record MeanStdReport(
        [property: JsonPropertyName("images")] int Images,
        [property: JsonPropertyName("pixels_per_channel")] long PixelsPerChannel,
        [property: JsonPropertyName("mean")] IReadOnlyList<double> Mean,
        [property: JsonPropertyName("std")] IReadOnlyList<double> Std,
        [property: JsonPropertyName("mean_01")] IReadOnlyList<double> Mean01,
        [property: JsonPropertyName("std_01")] IReadOnlyList<double> Std01);
}
