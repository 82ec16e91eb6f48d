using System.Text.RegularExpressions;
using System.Xml.Linq;
using Vision.Data.Image;
using Vision.Tests.Processes;
using Vision.TestUtilities;

namespace Vision.Samples.Tests.Packaging;

/// <summary>
/// A newcomer's path with nothing beyond the README: the solution packed into a local feed, the Vision.Templates
/// package installed, <c>dotnet new vision-classifier</c> (both styles), the apps built against the feed, and the
/// fluent one trained for one epoch on a generated class-per-folder dataset and used for inference. The README's
/// first program is the template's Program.cs, so this test compiles it. About 2-3 minutes (category Packaging).
/// </summary>
[Collection(SamplesCollection.Name)]
public sealed class TemplateAppTests : IDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(8);
    private static readonly string[] ClassNames = ["blue", "red"];

    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("vision-template-");

    public void Dispose() => work.Delete(recursive: true);

    [Fact]
    [Trait("Category", "Packaging")]
    public void PackedTemplateCreatesAnAppThatBuildsTrainsAndClassifies()
    {
        var feed = Path.Combine(work.FullName, "feed");
        // The tests run from the solution's build (./build.sh test builds it first); the shim beside this assembly is the one packed.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        Run(ExternalCommand.Dotnet, "pack", RepositoryPaths.Combine("Vision.sln"), "-c", configuration, "--no-build", "-nologo", "-v", "quiet",
            "-o", feed, "-p:SkipNativeBuild=true", "-p:VisionNativeBuildDir=" + AppContext.BaseDirectory.TrimEnd('/'));
        WriteNuGetConfig(feed);

        var hive = Path.Combine(work.FullName, "template-hive");
        var templates = Directory.GetFiles(feed, "Vision.Templates.*.nupkg").Single();
        Run(ExternalCommand.Dotnet, "new", "install", templates, "--debug:custom-hive", hive);
        Run(ExternalCommand.Dotnet, "new", "vision-classifier", "-n", "MyApp", "--debug:custom-hive", hive);
        Run(ExternalCommand.Dotnet, "new", "vision-classifier", "-n", "MyApp", "-o", "ConfigApp", "--style", "config", "--debug:custom-hive", hive);
        Assert.False(File.Exists(Path.Combine(work.FullName, "MyApp", "appsettings.json")));

        // The README shows the fluent app's Program.cs as the first program, and the DI route of the config app.
        var readme = File.ReadAllText(RepositoryPaths.Combine("README.md")).ReplaceLineEndings("\n");
        Assert.Equal(CodeBlockAfter(readme, "### A first program", "csharp"), ReadText("MyApp", "Program.cs"));
        Assert.Contains(CodeBlockAfter(readme, "### The dependency-injection route", "csharp"), ReadText("ConfigApp", "Program.cs"));
        Assert.Equal(CodeBlockAfter(readme, "### The dependency-injection route", "json"), ReadText("ConfigApp", "appsettings.json"));

        Run(ExternalCommand.Dotnet, "build", "MyApp", "-c", "Release", "-nologo", "-v", "quiet");
        Run(ExternalCommand.Dotnet, "build", "ConfigApp", "-c", "Release", "-nologo", "-v", "quiet");

        MakeDataset(Path.Combine(work.FullName, "data"));
        var output = Run(ExternalCommand.Dotnet, Path.Combine("MyApp", "bin", "Release", "net10.0", "MyApp.dll"), "data", "1");
        Assert.Contains("trained: Completed", output);
        Assert.Matches(@"validation accuracy: \d+\.\d %", output);
        Assert.Matches(@"data/blue/00\.png: (blue|red) \(\d+\.\d %\)", output);
        Assert.True(File.Exists(Path.Combine(work.FullName, "work_dirs", "MyApp", "checkpoints", "latest")), output);
    }

    // Restores Vision.* from the fresh feed only; everything else from the packages this machine already has, then
    // the repository's own NuGet source. A packages folder of its own keeps an older Vision build out.
    private void WriteNuGetConfig(string feed)
    {
        var repositorySources = XDocument.Load(RepositoryPaths.Combine("nuget.config")).Descendants("packageSources").Elements("add")
            .Select(e => (Key: (string)e.Attribute("key")!, Value: (string)e.Attribute("value")!));
        var sources = new List<(string Key, string Value)> { ("vision-feed", feed), ("machine-packages", MachinePackages()) };
        sources.AddRange(repositorySources);
        var config = new XElement("configuration",
            new XElement("packageSources", new XElement("clear"),
                sources.Select(s => new XElement("add", new XAttribute("key", s.Key), new XAttribute("value", s.Value)))),
            new XElement("packageSourceMapping",
                sources.Select(s => new XElement("packageSource", new XAttribute("key", s.Key),
                    new XElement("package", new XAttribute("pattern", s.Key == "vision-feed" ? "Vision.*" : "*"))))));
        config.Save(Path.Combine(work.FullName, "nuget.config"));
    }

    private static string MachinePackages() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
            ? packages
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private string Run(string program, params string[] arguments)
    {
        var environment = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = Path.Combine(work.FullName, "packages"),
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        };
        var (code, output) = ExternalCommand.Run(program, arguments, work.FullName, StepTimeout, environment);
        Assert.True(code == 0, $"{program} {string.Join(' ', arguments)} exited with {code}:\n{output}");
        return output;
    }

    private string ReadText(params string[] path) =>
        File.ReadAllText(Path.Combine([work.FullName, .. path])).ReplaceLineEndings("\n").Trim();

    private static string CodeBlockAfter(string markdown, string heading, string language)
    {
        var start = markdown.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no heading '{heading}'");
        var block = new Regex("```" + language + "\n(.*?)\n```", RegexOptions.Singleline).Match(markdown, start);
        Assert.True(block.Success, $"README.md has no ```{language} block after '{heading}'");
        return block.Groups[1].Value.Trim();
    }

    // Two classes of 12 noisy 40x40 PNGs each, told apart by which channel is bright.
    private static void MakeDataset(string root)
    {
        var random = new Random(11);
        for (var c = 0; c < ClassNames.Length; c++)
        {
            var folder = Directory.CreateDirectory(Path.Combine(root, ClassNames[c])).FullName;
            for (var i = 0; i < 12; i++)
            {
                var pixels = new byte[40 * 40 * 3];
                for (var p = 0; p < pixels.Length; p++)
                {
                    pixels[p] = (byte)(p % 3 == 2 - 2 * c ? 200 : random.Next(20, 90));
                }
                using var image = torch.tensor<byte>(pixels, [40, 40, 3]);
                ImageIO.Write(Path.Combine(folder, $"{i:D2}.png"), image);
            }
        }
    }
}
