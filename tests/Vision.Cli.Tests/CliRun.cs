namespace Vision.Cli.Tests;

/// <summary>What one in-process run of the command line printed and returned.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Err)
{
    /// <summary>Runs <c>vision <paramref name="args"/></c> through <see cref="VisionCli.Run"/> with captured output.</summary>
    public static CliRun Of(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = VisionCli.Run(args, stdout, stderr);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Asserts success (showing stderr when it failed) and returns the run.</summary>
    public CliRun Succeeded()
    {
        Assert.True(ExitCode == 0, $"exit code {ExitCode}; stderr: {Err}; stdout: {Out}");
        return this;
    }

    /// <summary>Asserts a reported failure: exit code 1, an "error:" line, and no stack trace.</summary>
    public CliRun Failed()
    {
        Assert.True(ExitCode == 1, $"exit code {ExitCode}; stderr: {Err}; stdout: {Out}");
        Assert.StartsWith("error: ", Err);
        Assert.DoesNotContain("   at ", Err);
        return this;
    }

    /// <summary>The table rows of stdout: lines that are neither rules nor blank, split on runs of two or more spaces.</summary>
    public IReadOnlyList<string[]> Rows() => Out.Split('\n')
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && !l.StartsWith('─'))
        .Select(l => System.Text.RegularExpressions.Regex.Split(l, " {2,}"))
        .ToList();
}
