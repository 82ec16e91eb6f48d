using Vision.Threading;

namespace Vision.Core.Tests.Threading;

public sealed class IdleThreadSpinTests
{
    [Fact]
    public void DefaultsFillOnlyWhatTheEnvironmentLeavesUnset()
    {
        var environment = new Dictionary<string, string> { ["GOMP_SPINCOUNT"] = "300000" };
        IdleThreadSpin.Apply(environment.GetValueOrDefault, (name, value) => environment[name] = value);
        Assert.Equal(new Dictionary<string, string> { ["GOMP_SPINCOUNT"] = "300000", ["OPENBLAS_THREAD_TIMEOUT"] = "4" }, environment);

        var empty = new Dictionary<string, string> { ["OPENBLAS_THREAD_TIMEOUT"] = "" };
        IdleThreadSpin.Apply(empty.GetValueOrDefault, (name, value) => empty[name] = value);
        Assert.Equal(new Dictionary<string, string> { ["GOMP_SPINCOUNT"] = "10000", ["OPENBLAS_THREAD_TIMEOUT"] = "4" }, empty);
    }

    [Fact]
    public void TheProcessEnvironmentHoldsThemOnceTheNativeLibraryIsLoaded()
    {
        using var loaded = torch.zeros(1);
        // .NET's own copy of the environment is the one this process started with; the C environment, which libgomp
        // and OpenBLAS read, has the defaults wherever that copy had nothing.
        var expected = IdleThreadSpin.Defaults.Select(d => $"{d.Name}={(Environment.GetEnvironmentVariable(d.Name) is { Length: > 0 } own ? own : d.Value)}");
        Assert.Equal(string.Join(", ", expected), IdleThreadSpin.Describe());
    }
}
