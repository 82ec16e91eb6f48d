using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Vision.Cli.Tests;

/// <summary>
/// Opens a page in Debian's headless <c>chromium</c> (installed by build.sh's test packages) to check it as a person's
/// browser shows it: every image decoded, no script or console error, and a screenshot. Tests call
/// <see cref="Require"/> first, which skips them with the install command where chromium is missing.
/// </summary>
internal static partial class HeadlessChromium
{
    private const string Executable = "chromium";

    // Put first in the page's head: collects errors (capture phase also sees failed image loads) and, after the load
    // event, writes what it found into the DOM that --dump-dom prints.
    private const string Probe = """
        <script>
        window.__errors = [];
        window.addEventListener('error', e => window.__errors.push(e.message || ('failed to load ' + (e.target && (e.target.src || '').slice(0, 60)))), true);
        const __consoleError = console.error;
        console.error = (...args) => { window.__errors.push(args.join(' ')); __consoleError(...args); };
        window.addEventListener('load', () => {
          const images = [...document.images];
          const probe = document.createElement('pre');
          probe.id = '__probe';
          probe.textContent = JSON.stringify({ images: images.length, broken: images.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.alt), errors: window.__errors });
          document.body.appendChild(probe);
        });
        </script>
        """;

    private static readonly Lazy<bool> Available = new(() =>
    {
        try
        {
            return Run(["--version"], TimeSpan.FromSeconds(30)).Code == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    /// <summary>Skips the calling test when chromium is not installed.</summary>
    public static void Require() =>
        Skip.IfNot(Available.Value, "chromium is not installed. Install: sudo apt-get install --no-install-recommends chromium");

    /// <summary>What the browser saw of a page.</summary>
    public sealed record PageCheck(int Images, IReadOnlyList<string> BrokenImages, IReadOnlyList<string> Errors);

    /// <summary>Loads <paramref name="htmlPath"/> (a copy with the probe script) and reports its images and errors.</summary>
    public static PageCheck Check(string htmlPath)
    {
        var probed = Path.Combine(Path.GetDirectoryName(htmlPath)!, "probed-" + Path.GetFileName(htmlPath));
        var html = File.ReadAllText(htmlPath);
        var head = html.IndexOf("<head>", StringComparison.Ordinal);
        Assert.True(head >= 0, $"{htmlPath} has no <head>");
        File.WriteAllText(probed, html.Insert(head + "<head>".Length, Probe));
        var (code, stdout, stderr) = Run(["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=10000", "--dump-dom", new Uri(probed).AbsoluteUri],
            TimeSpan.FromMinutes(2));
        Assert.True(code == 0, $"chromium exited {code}: {stderr}");
        var match = ProbeOutput().Match(stdout);
        Assert.True(match.Success, $"the page's load event never ran; chromium said: {stderr}");
        using var json = JsonDocument.Parse(WebUtility.HtmlDecode(match.Groups[1].Value));
        var root = json.RootElement;
        return new PageCheck(root.GetProperty("images").GetInt32(),
            root.GetProperty("broken").EnumerateArray().Select(e => e.GetString() ?? "").ToList(),
            root.GetProperty("errors").EnumerateArray().Select(e => e.GetString() ?? "").ToList());
    }

    /// <summary>Saves a screenshot of <paramref name="htmlPath"/> at <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    public static void Screenshot(string htmlPath, string pngPath, int width = 1280, int height = 6000)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(pngPath))!);
        var (code, _, stderr) = Run(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", $"--window-size={width},{height}",
            $"--screenshot={Path.GetFullPath(pngPath)}", new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri], TimeSpan.FromMinutes(2));
        Assert.True(code == 0 && File.Exists(pngPath), $"chromium could not take the screenshot (exit {code}): {stderr}");
    }

    private static (int Code, string Stdout, string Stderr) Run(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(Executable, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium ran over {timeout.TotalSeconds} s.");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [GeneratedRegex("<pre id=\"__probe\">(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex ProbeOutput();
}
