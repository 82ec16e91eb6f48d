namespace Vision.Cli.Tests;

public sealed class RootCommandTests
{
    [Fact]
    public void HelpListsEveryCommandAndExitsZero()
    {
        var run = CliRun.Of("--help").Succeeded();
        foreach (var command in new[] { "train", "test", "list-models", "split-dataset", "mean-std", "infer", "convert", "evolve", "launch" })
        {
            Assert.Contains(command, run.Out);
        }
        Assert.Equal("", run.Err);
    }

    [Theory]
    [InlineData("train", "--set")]
    [InlineData("test", "--work-dir")]
    [InlineData("list-models", "--params")]
    [InlineData("split-dataset", "--mode")]
    [InlineData("mean-std", "--json")]
    [InlineData("infer", "--checkpoint")]
    [InlineData("evolve", "--generations")]
    public void EachCommandHasHelpNamingItsOptions(string command, string option)
    {
        var run = CliRun.Of(command, "--help").Succeeded();
        Assert.Contains($"vision {command}", run.Out);
        Assert.Contains(option, run.Out);
    }

    [Fact]
    public void AnUnknownCommandIsAParseErrorNamingIt()
    {
        var run = CliRun.Of("frobnicate");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("frobnicate", run.Err);
    }

    [Fact]
    public void AnInvalidOptionValueNamesTheOption()
    {
        var run = CliRun.Of("list-models", "--img-size", "0");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--img-size must be a positive integer, got 0.", run.Err);
    }

    [Fact]
    public void UserErrorsReadAsTheirMessageAndOtherFailuresNameTheirType()
    {
        var err = new StringWriter();
        Assert.Equal(1, UserErrors.Report(new ArgumentException("--val is too large.", "val"), err));
        Assert.Equal("error: --val is too large." + Environment.NewLine, err.ToString());

        err = new StringWriter();
        Assert.Equal(1, UserErrors.Report(new AggregateException(new InvalidOperationException("the model returned 3 rows")), err));
        Assert.Equal("error: System.InvalidOperationException: the model returned 3 rows" + Environment.NewLine, err.ToString());
    }
}
