using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Vision.Tests.Reference;

/// <summary>
/// Runs PyTorch (Debian's python3-torch / python3-torchvision, the same libtorch 1.13 Vision binds) as the
/// numerical reference. Inputs go over as .npy files; the script assigns a dict to <c>out</c> whose tensors and
/// numbers come back as JSON. Tests call <see cref="Require"/> first, which skips them with a clear message
/// where the reference is not installed (CI installs it through build.sh).
/// </summary>
public static class TorchReference
{
    /// <summary>The interpreter that has Debian's torch (a pyenv python3 on PATH usually has not).</summary>
    public static string Python => Environment.GetEnvironmentVariable("VISION_PYTHON") ?? "/usr/bin/python3";

    private static readonly Lazy<string?> Missing = new(() =>
    {
        try
        {
            var (code, _, err) = Exec("import torch, torchvision, numpy", null);
            return code == 0 ? null : err.Trim();
        }
        catch (Exception e)
        {
            return e.Message;
        }
    });

    /// <summary>Skips the calling test when PyTorch is not available.</summary>
    public static void Require() =>
        Skip.If(Missing.Value is not null,
            $"PyTorch reference not available ({Python}: {Missing.Value}). Install: sudo apt-get install python3-torch python3-torchvision python3-numpy");

    /// <summary>
    /// Runs <paramref name="script"/> with <c>torch</c>, <c>torchvision</c>, <c>np</c>, <c>F</c> (torch.nn.functional)
    /// imported, the given inputs bound as torch tensors in the dict <c>inp</c>, and returns the JSON of <c>out</c>.
    /// </summary>
    public static JsonElement Run(string script, IReadOnlyDictionary<string, Tensor>? inputs = null)
    {
        Require();
        var dir = Directory.CreateTempSubdirectory("vision-ref-");
        try
        {
            var prelude = new StringBuilder();
            prelude.AppendLine("import json, sys, numpy as np, torch, torchvision");
            prelude.AppendLine("import torch.nn.functional as F");
            prelude.AppendLine("torch.set_num_threads(1)");
            prelude.AppendLine("inp = {}");
            foreach (var (name, tensor) in inputs ?? new Dictionary<string, Tensor>())
            {
                var path = Path.Combine(dir.FullName, name + ".npy");
                Npy.Write(path, tensor);
                prelude.AppendLine($"inp[{JsonSerializer.Serialize(name)}] = torch.from_numpy(np.load({JsonSerializer.Serialize(path)}))");
            }
            prelude.AppendLine("out = {}");
            var epilogue = """

def _plain(v):
    if isinstance(v, torch.Tensor):
        return v.detach().double().reshape(-1).tolist() if v.dtype.is_floating_point else v.detach().reshape(-1).tolist()
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v
print("@@OUT@@" + json.dumps(_plain(out)))
""";
            var (code, stdout, stderr) = Exec(prelude + script + "\n" + epilogue, dir.FullName);
            if (code != 0)
            {
                throw new InvalidOperationException($"The PyTorch reference script failed (exit {code}):\n{stderr}");
            }
            var marker = stdout.LastIndexOf("@@OUT@@", StringComparison.Ordinal);
            return JsonDocument.Parse(stdout[(marker + 7)..]).RootElement.Clone();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Reads a JSON array of numbers as doubles.</summary>
    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    private static (int Code, string Stdout, string Stderr) Exec(string script, string? workDir)
    {
        var file = Path.Combine(workDir ?? Path.GetTempPath(), $"vision-ref-{Guid.NewGuid():N}.py");
        File.WriteAllText(file, script);
        try
        {
            var psi = new ProcessStartInfo(Python, [file])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("The PyTorch reference script ran over 5 minutes.");
            }
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
