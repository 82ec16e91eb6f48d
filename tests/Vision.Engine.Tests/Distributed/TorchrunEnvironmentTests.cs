using Vision.Engine.Configuration;
using Vision.Engine.Distributed;

namespace Vision.Engine.Tests.Distributed;

public sealed class TorchrunEnvironmentTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void AllSixVariablesAreRead()
    {
        var environment = TorchrunEnvironment.Detect(Env(("MASTER_ADDR", "10.0.0.5"), ("MASTER_PORT", "29500"), ("RANK", "5"),
            ("LOCAL_RANK", "1"), ("WORLD_SIZE", "8"), ("LOCAL_WORLD_SIZE", "4")));
        Assert.Equal(new TorchrunEnvironment("10.0.0.5", 29500, 5, 1, 8, 4), environment);
        Assert.Equal("tcp://10.0.0.5:29500", environment!.InitMethod);
    }

    [Fact]
    public void WithoutWorldSizeTheProcessRunsAlone() =>
        Assert.Null(TorchrunEnvironment.Detect(Env(("RANK", "0"), ("MASTER_ADDR", "localhost"))));

    [Fact]
    public void OneRankPerPodNeedsNoLocalVariables()
    {
        // What a Kubernetes PyTorchJob sets: no LOCAL_RANK or LOCAL_WORLD_SIZE.
        var environment = TorchrunEnvironment.Detect(Env(("MASTER_ADDR", "job-master-0"), ("MASTER_PORT", "23456"), ("RANK", "3"), ("WORLD_SIZE", "4")));
        Assert.Equal(new TorchrunEnvironment("job-master-0", 23456, 3, 0, 4, 1), environment);
    }

    [Theory]
    [InlineData("RANK", "4", "RANK='4' is not a whole number in [0, 3]")]
    [InlineData("RANK", null, "sets WORLD_SIZE but not RANK")]
    [InlineData("MASTER_PORT", "http", "MASTER_PORT='http' is not a whole number in [1, 65535]")]
    [InlineData("MASTER_ADDR", "", "not MASTER_ADDR")]
    [InlineData("LOCAL_RANK", "-1", "LOCAL_RANK='-1'")]
    public void AnIncompleteEnvironmentNamesTheVariable(string name, string? value, string message)
    {
        var variables = new Dictionary<string, string?> { ["MASTER_ADDR"] = "127.0.0.1", ["MASTER_PORT"] = "29500", ["RANK"] = "1", ["WORLD_SIZE"] = "4", [name] = value };
        var e = Assert.Throws<ArgumentException>(() => TorchrunEnvironment.Detect(n => variables.GetValueOrDefault(n)));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void ConfigKeysAreMmEnginesAndBadValuesNameTheirKey()
    {
        var options = DistributedOptions.FromConfig(Config.FromJson(new System.Text.Json.Nodes.JsonObject
        {
            ["launcher"] = "pytorch",
            ["sync_bn"] = "torch",
            ["model_wrapper_cfg"] = new System.Text.Json.Nodes.JsonObject { ["find_unused_parameters"] = true },
            ["env_cfg"] = new System.Text.Json.Nodes.JsonObject { ["dist_cfg"] = new System.Text.Json.Nodes.JsonObject { ["timeout"] = 90 } },
        }));
        Assert.Equal((DistributedOptions.PyTorch, true, true, TimeSpan.FromSeconds(90)),
            (options.Launcher, options.SyncBatchNorm, options.FindUnusedParameters, options.Timeout));
        var defaults = DistributedOptions.FromConfig(Config.FromJson([]));
        Assert.Equal((DistributedOptions.Auto, false), (defaults.Launcher, defaults.SyncBatchNorm));
        var e = Assert.Throws<ConfigException>(() => DistributedOptions.FromConfig(Config.FromJson(new System.Text.Json.Nodes.JsonObject { ["launcher"] = "slurmish" })));
        Assert.Equal("launcher", e.Path);
        Assert.Contains("'slurmish' is not a launcher", e.Message);
        foreach (var (key, node, message) in new[]
                 {
                     ("model_wrapper_cfg:find_unused_parameters", new System.Text.Json.Nodes.JsonObject { ["model_wrapper_cfg"] = new System.Text.Json.Nodes.JsonObject { ["find_unused_parameters"] = "sometimes" } }, "'sometimes' is not true or false."),
                     ("env_cfg:dist_cfg:timeout", new System.Text.Json.Nodes.JsonObject { ["env_cfg"] = new System.Text.Json.Nodes.JsonObject { ["dist_cfg"] = new System.Text.Json.Nodes.JsonObject { ["timeout"] = "soon" } } }, "'soon' is not a number."),
                     ("env_cfg:dist_cfg:timeout", new System.Text.Json.Nodes.JsonObject { ["env_cfg"] = new System.Text.Json.Nodes.JsonObject { ["dist_cfg"] = new System.Text.Json.Nodes.JsonObject { ["timeout"] = -5 } } }, "-5 is not a positive number of seconds."),
                 })
        {
            var bad = Assert.Throws<ConfigException>(() => DistributedOptions.FromConfig(Config.FromJson(node)));
            Assert.Equal($"{key}: {message}", bad.Message);
        }
    }

    [SkippableFact]
    public void LauncherNoneTrainsAloneAndPytorchWithoutTheEnvironmentSaysHowToStartRanks()
    {
        Skip.If(Environment.GetEnvironmentVariable("WORLD_SIZE") is not null, "this test process was itself started as a rank");
        Assert.IsType<SingleProcessContext>(DistributedLauncher.CreateContext(new DistributedOptions { Launcher = DistributedOptions.None }));
        Assert.IsType<SingleProcessContext>(DistributedLauncher.CreateContext(new DistributedOptions()));
        var e = Assert.Throws<InvalidOperationException>(() => DistributedLauncher.CreateContext(new DistributedOptions { Launcher = DistributedOptions.PyTorch }));
        Assert.Contains("vision launch --nproc-per-node", e.Message);
    }
}
