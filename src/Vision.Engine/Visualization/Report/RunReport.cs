using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Vision.Engine.Evaluation;
using Vision.Engine.Logging;

namespace Vision.Engine.Visualization.Report;

/// <summary>
/// One self-contained HTML page about a run, to hand to colleagues: every picture is inlined as a data URI and the page
/// loads nothing from anywhere. It shows what the work dir holds: final metrics, training curves, per-class table,
/// confusion matrices and per-class bars (<c>test/</c>), the misclassified gallery, Grad-CAM pictures (<c>cam/</c>),
/// t-SNE (<c>tsne/</c>), the model summary and the run's config. Missing parts are left out.
/// </summary>
public static class RunReport
{
    /// <summary>The page's file name in the work dir.</summary>
    public const string FileName = "report.html";

    /// <summary>The misclassified gallery's file name in the test folder.</summary>
    public const string MisclassifiedFileName = "misclassified.png";

    /// <summary>At most this many Grad-CAM pictures are inlined, so the page stays a reasonable size.</summary>
    public const int MaxCamImages = 12;

    private const string Style = """
        body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 24px auto; max-width: 1200px; color: #222; }
        h1 { font-size: 26px; } h2 { font-size: 20px; border-bottom: 1px solid #ccc; padding-bottom: 4px; margin-top: 32px; }
        table { border-collapse: collapse; margin: 8px 0; } td, th { border: 1px solid #ccc; padding: 3px 10px; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; } th { background: #f3f3f3; }
        img { max-width: 100%; border: 1px solid #eee; margin: 4px; } .grid img { max-width: 48%; }
        pre { background: #f7f7f7; padding: 8px; overflow-x: auto; font-size: 12px; }
        """;

    /// <summary>Builds the page for <paramref name="workDir"/> and writes it to <c>{workDir}/report.html</c> (or <paramref name="output"/>).</summary>
    /// <param name="workDir">The run's work dir.</param>
    /// <param name="modelSummary">The model summary table (e.g. <c>ModelSummary.ToString()</c>), or null to leave the section out.</param>
    /// <param name="output">Where to write the page; default <c>{workDir}/report.html</c>.</param>
    /// <returns>The path written.</returns>
    /// <exception cref="DirectoryNotFoundException">The work dir does not exist.</exception>
    public static string Write(string workDir, string? modelSummary = null, string? output = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(workDir);
        if (!Directory.Exists(workDir))
        {
            throw new DirectoryNotFoundException($"The work dir {workDir} does not exist.");
        }
        var path = output ?? Path.Combine(workDir, FileName);
        File.WriteAllText(path, Build(workDir, modelSummary));
        return path;
    }

    /// <summary>The page's HTML for <paramref name="workDir"/>.</summary>
    public static string Build(string workDir, string? modelSummary = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(workDir);
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(workDir)));
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>").AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.AppendLine($"<title>Vision run report: {Encode(name)}</title><style>{Style}</style></head><body>");
        html.AppendLine($"<h1>Run report: {Encode(name)}</h1>");
        html.AppendLine($"<p>Work dir <code>{Encode(Path.GetFullPath(workDir))}</code>, report written {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC.</p>");

        var test = Path.Combine(workDir, "test");
        using var evaluation = File.Exists(Path.Combine(test, EvaluationReport.JsonFileName))
            ? JsonDocument.Parse(File.ReadAllText(Path.Combine(test, EvaluationReport.JsonFileName)))
            : null;
        Metrics(html, evaluation, workDir);
        Images(html, "Training curves", Pngs(Path.Combine(workDir, TrainingCurves.FolderName), CurveOrder), grid: true);
        PerClass(html, evaluation);
        Images(html, "Confusion matrix", Existing(test, EvaluationCharts.ConfusionMatrixFileName, EvaluationCharts.NormalizedConfusionMatrixFileName), grid: false);
        Images(html, "Per-class precision, recall and F1", Existing(test, EvaluationCharts.PerClassFileName), grid: false);
        Images(html, "Misclassified examples", Existing(test, MisclassifiedFileName), grid: false);
        Images(html, "Grad-CAM", Pngs(Path.Combine(workDir, "cam"), _ => 0).Take(MaxCamImages).ToList(), grid: true);
        Images(html, "t-SNE of the features", Pngs(Path.Combine(workDir, "tsne"), _ => 0), grid: false);
        if (modelSummary is not null)
        {
            html.AppendLine("<h2>Model</h2>").AppendLine($"<pre>{Encode(modelSummary)}</pre>");
        }
        if (File.Exists(Path.Combine(workDir, "config.json")))
        {
            html.AppendLine("<h2>Config</h2>").AppendLine($"<pre>{Encode(File.ReadAllText(Path.Combine(workDir, "config.json")))}</pre>");
        }
        html.AppendLine("</body></html>");
        return html.ToString();
    }

    // The test report's metrics, else the last validation's from the logged scalars.
    private static void Metrics(StringBuilder html, JsonDocument? evaluation, string workDir)
    {
        var metrics = new List<(string Name, double Value)>();
        var source = "test";
        if (evaluation is not null && evaluation.RootElement.TryGetProperty("metrics", out var tested))
        {
            metrics.AddRange(tested.EnumerateObject().Where(m => m.Value.ValueKind == JsonValueKind.Number).Select(m => (m.Name, m.Value.GetDouble())));
        }
        else if (File.Exists(Path.Combine(workDir, "logs", CsvScalarWriter.FileName)))
        {
            var rows = ScalarCsvReader.Read(Path.Combine(workDir, "logs", CsvScalarWriter.FileName)).Where(r => r.Mode == "val").ToList();
            if (rows.Count > 0)
            {
                var last = rows[^1].Iter;
                metrics.AddRange(rows.Where(r => r.Iter == last).Select(r => (r.Name, r.Value)));
                source = $"last validation (iteration {last})";
            }
        }
        if (metrics.Count == 0)
        {
            return;
        }
        html.AppendLine($"<h2>Final metrics</h2><p>From the {Encode(source)}.</p><table><tr><th>metric</th><th>value</th></tr>");
        foreach (var (metric, value) in metrics)
        {
            html.AppendLine($"<tr><td>{Encode(metric)}</td><td class=\"n\">{value.ToString("F2", CultureInfo.InvariantCulture)}</td></tr>");
        }
        html.AppendLine("</table>");
    }

    private static void PerClass(StringBuilder html, JsonDocument? evaluation)
    {
        if (evaluation is null || !evaluation.RootElement.TryGetProperty("per_class", out var rows))
        {
            return;
        }
        html.AppendLine("<h2>Per class</h2><table><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>");
        foreach (var row in rows.EnumerateArray())
        {
            string Number(string key) => row.GetProperty(key).GetDouble().ToString("F2", CultureInfo.InvariantCulture);
            html.AppendLine($"<tr><td>{Encode(row.GetProperty("class").GetString() ?? "")}</td><td class=\"n\">{Number("precision")}</td>" +
                $"<td class=\"n\">{Number("recall")}</td><td class=\"n\">{Number("f1-score")}</td><td class=\"n\">{row.GetProperty("support").GetInt64()}</td></tr>");
        }
        html.AppendLine("</table>");
    }

    private static void Images(StringBuilder html, string title, IReadOnlyList<string> paths, bool grid)
    {
        if (paths.Count == 0)
        {
            return;
        }
        html.AppendLine($"<h2>{Encode(title)}</h2><div{(grid ? " class=\"grid\"" : "")}>");
        foreach (var path in paths)
        {
            var alt = Encode(Path.GetFileNameWithoutExtension(path));
            html.AppendLine($"<img alt=\"{alt}\" title=\"{alt}\" src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(path))}\">");
        }
        html.AppendLine("</div>");
    }

    private static List<string> Existing(string folder, params string[] files) =>
        files.Select(f => Path.Combine(folder, f)).Where(File.Exists).ToList();

    private static List<string> Pngs(string folder, Func<string, int> order) =>
        Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.png").OrderBy(f => order(Path.GetFileName(f))).ThenBy(f => f, StringComparer.Ordinal).ToList()
            : [];

    // Loss and lr first, as the training-curves hook draws them; the metric families after.
    private static int CurveOrder(string file) => file switch
    {
        TrainingCurves.LossChartFileName => 0,
        TrainingCurves.LrChartFileName => 1,
        _ => 2,
    };

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
