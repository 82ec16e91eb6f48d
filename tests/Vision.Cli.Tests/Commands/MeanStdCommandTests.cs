using System.Globalization;
using System.Text.Json;

namespace Vision.Cli.Tests.Commands;

public sealed class MeanStdCommandTests : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("vision-cli-meanstd-");

    public void Dispose() => root.Delete(recursive: true);

    // Pixel (y, x, c) of image i: spread over 0-255 differently per channel.
    private static byte Pixel(int i, int y, int x, int c) => (byte)((i * 37 + y * 11 + x * 5 + c * 70 + y * x * c) % 256);

    // The statistics over all pixels of the images, summed by hand in double.
    private static (double[] Mean, double[] Std) Expected(IEnumerable<(int Image, int Height, int Width)> images)
    {
        var sum = new double[3];
        var squares = new double[3];
        var n = 0L;
        foreach (var (i, height, width) in images)
        {
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    for (var c = 0; c < 3; c++)
                    {
                        sum[c] += Pixel(i, y, x, c);
                        squares[c] += (double)Pixel(i, y, x, c) * Pixel(i, y, x, c);
                    }
                    n++;
                }
            }
        }
        var mean = sum.Select(s => s / n).ToArray();
        var std = squares.Select((q, c) => Math.Sqrt(q / n - mean[c] * mean[c])).ToArray();
        return (mean, std);
    }

    private static double[] Numbers(JsonElement element, string name) =>
        element.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    [Fact]
    public void AClassPerFolderDatasetGivesTheHandComputedStatistics()
    {
        (int Image, int Height, int Width, string Path)[] images =
        [
            (0, 5, 7, "cat/a.png"), (1, 6, 4, "cat/deep/b.png"), (2, 3, 9, "dog/c.png"), (3, 8, 8, "dog/d.png"),
        ];
        foreach (var (i, height, width, path) in images)
        {
            TestImages.Write(Path.Combine(root.FullName, path), height, width, (y, x, c) => Pixel(i, y, x, c));
        }
        File.WriteAllText(Path.Combine(root.FullName, "cat", "notes.txt"), "not an image");
        var (mean, std) = Expected(images.Select(m => (m.Image, m.Height, m.Width)));

        var run = CliRun.Of("mean-std", root.FullName, "--json").Succeeded();

        var json = JsonDocument.Parse(run.Out).RootElement;
        Assert.Equal(4, json.GetProperty("images").GetInt32());
        Assert.Equal(images.Sum(m => m.Height * m.Width), json.GetProperty("pixels_per_channel").GetInt64());
        AssertClose(mean, Numbers(json, "mean"));
        AssertClose(std, Numbers(json, "std"));
        AssertClose(mean.Select(m => m / 255).ToArray(), Numbers(json, "mean_01"));
        AssertClose(std.Select(s => s / 255).ToArray(), Numbers(json, "std_01"));
    }

    [Fact]
    public void APlainFolderPrintsBothUnitsAndTheInferOptions()
    {
        TestImages.Write(Path.Combine(root.FullName, "x.png"), 4, 6, (y, x, c) => Pixel(5, y, x, c));
        TestImages.Write(Path.Combine(root.FullName, "y.png"), 7, 3, (y, x, c) => Pixel(6, y, x, c));
        var (mean, std) = Expected([(5, 4, 6), (6, 7, 3)]);

        var run = CliRun.Of("mean-std", root.FullName).Succeeded();

        string Join(IEnumerable<double> values, string format, string separator) =>
            string.Join(separator, values.Select(v => v.ToString(format, CultureInfo.InvariantCulture)));
        Assert.Contains($"2 images, 45 pixels per channel", run.Out);
        var rows = run.Rows();
        Assert.Equal(["0-255", Join(mean, "F3", ", "), Join(std, "F3", ", ")], rows.Single(r => r[0] == "0-255"));
        Assert.Equal(["0-1", Join(mean.Select(m => m / 255), "F4", ", "), Join(std.Select(s => s / 255), "F4", ", ")], rows.Single(r => r[0] == "0-1"));
        Assert.Contains($"--mean {Join(mean, "F3", ",")} --std {Join(std, "F3", ",")}", run.Out);
    }

    [Fact]
    public void AMissingFolderIsAnErrorNamingIt()
    {
        var missing = Path.Combine(root.FullName, "no-such-folder");
        var run = CliRun.Of("mean-std", missing).Failed();
        Assert.Contains(missing, run.Err);
    }

    [Fact]
    public void AFolderWithoutImagesIsAnErrorNamingIt()
    {
        File.WriteAllText(Path.Combine(root.FullName, "readme.md"), "no images here");
        var run = CliRun.Of("mean-std", root.FullName).Failed();
        Assert.Contains(Path.GetFileName(root.FullName), run.Err);
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-9, $"channel {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
