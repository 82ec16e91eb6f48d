using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vision.Engine.Checkpoints;
using Vision.Engine.Configuration;
using Vision.Engine.Optim;
using Vision.Engine.Training;

namespace Vision.Engine.Tests.Training;

[Collection(TrainerCollection.Name)]
public sealed class TrainerOptionsValidationTests : IDisposable
{
    private readonly TrainingFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    [Fact]
    public void BuildReportsEveryInvalidValueInItsOwnMessageBeforeTraining()
    {
        using var data = TrainingFixture.Quadrants(8, seed: 1);
        using var loader = TrainingFixture.Loader(data, 4);
        using var model = TrainingFixture.Linear(seed: 1);
        var missing = Path.Combine(fixture.WorkDir, "no-such-checkpoint");

        var failure = Assert.Throws<OptionsValidationException>(() => fixture.Builder(model, loader)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1))
            .WithOptions(o =>
            {
                o.MaxEpochs = 0;
                o.AccumulateGradBatches = 0;
                o.ValInterval = -2;
                o.LogInterval = 0;
                o.NumThreads = 0;
                o.ClipGrad.MaxNorm = -1;
                o.ClipGrad.ClipValue = 0.5;
                o.Amp.Dtype = "int8";
                o.Amp.BackoffFactor = 1.5;
                o.Device = "tpu";
                o.Checkpoint.MaxKeepCkpts = 0;
                o.Checkpoint.Rule = "bigger";
                o.Resume = missing;
                o.DataPreprocessor.Std = [1, 0];
                o.DataPreprocessor.Mean = [0, 0, 0];
            })
            .Build());

        Assert.Equal(
        [
            "MaxEpochs (max_epochs) must be at least 1, got 0.",
            "ValInterval (val_interval) must be at least 1, got -2.",
            "AccumulateGradBatches (accumulate_grad_batches) must be at least 1, got 0.",
            "LogInterval (log_interval) must be at least 1, got 0.",
            "NumThreads (num_threads) must be at least 1 (or unset for one per physical core), got 0.",
            "ClipGrad.MaxNorm (clip_grad.max_norm) must be > 0, got -1.",
            "ClipGrad.MaxNorm (clip_grad.max_norm) and ClipGrad.ClipValue (clip_grad.clip_value) cannot both be set; clip by norm or by value.",
            "Device (device) must be 'cpu', 'cuda' or 'cuda:N', got 'tpu'.",
            "Amp.Dtype (amp.dtype) must be 'bfloat16' or 'float16', got 'int8'.",
            "Amp.BackoffFactor (amp.backoff_factor) must be in (0, 1), got 1.5.",
            "Checkpoint.MaxKeepCkpts (checkpoint.max_keep_ckpts) must be -1 (keep all) or at least 1, got 0.",
            "Checkpoint.Rule (checkpoint.rule) must be 'greater', 'less' or unset, got 'bigger'.",
            $"Resume (resume) must be 'auto' or an existing checkpoint folder, got '{missing}'.",
            "DataPreprocessor.Std (data_preprocessor.std) must have one value per channel of DataPreprocessor.Mean (3), got 2 values.",
            "DataPreprocessor.Std (data_preprocessor.std) must hold finite values > 0, got [1, 0].",
        ], failure.Failures);
        Assert.False(Directory.Exists(fixture.CheckpointDir));
    }

    [Fact]
    public void LengthAndCompositionProblemsAreReported()
    {
        using var data = TrainingFixture.Quadrants(8, seed: 1);
        using var loader = TrainingFixture.Loader(data, 4);
        using var model = TrainingFixture.Linear(seed: 1);
        var neither = Assert.Throws<OptionsValidationException>(() => fixture.Builder(model, loader)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1))
            .Build());
        Assert.Equal(["MaxEpochs (max_epochs) or MaxIters (max_iters) must be set: training needs a length."], neither.Failures);

        var noValidation = Assert.Throws<OptionsValidationException>(() => fixture.Builder(model, loader)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1))
            .WithOptions(o =>
            {
                o.MaxIters = 10;
                o.Checkpoint.SaveBest = "auto";
            })
            .Build());
        Assert.Equal(["Checkpoint.SaveBest (checkpoint.save_best) is 'auto' but there is no validation DataLoader to produce metrics."], noValidation.Failures);
    }

    [Fact]
    public void OptionsBindFromSnakeCaseConfigurationAndAreValidatedThroughTheContainer()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["trainer:max_epochs"] = "3",
            ["trainer:accumulate_grad_batches"] = "2",
            ["trainer:clip_grad:max_norm"] = "1.5",
            ["trainer:amp:enabled"] = "true",
            ["trainer:checkpoint:max_keep_ckpts"] = "2",
            ["trainer:data_preprocessor:mean:0"] = "127.5",
            ["trainer:data_preprocessor:std:0"] = "127.5",
            ["trainer:work_dir"] = fixture.WorkDir,
        }).Build();
        using var data = TrainingFixture.Quadrants(8, seed: 1);
        using var loader = TrainingFixture.Loader(data, 4);
        using var model = TrainingFixture.Linear(seed: 1);
        var services = new ServiceCollection()
            .AddVisionTrainer(configuration.GetSection(TrainerOptions.SectionName))
            .AddTrainingModel(model)
            .AddTrainingData(loader)
            .AddOptimizer(m => new SGD(m.parameters(), lr: 0.1));
        using (var provider = services.BuildServiceProvider())
        {
            var options = provider.GetRequiredService<Trainer>().Options;
            Assert.Equal((3, 2, 1.5, true, 2, 127.5), (options.MaxEpochs, options.AccumulateGradBatches, options.ClipGrad.MaxNorm, options.Amp.Enabled,
                options.Checkpoint.MaxKeepCkpts, options.DataPreprocessor.Mean![0]));
            Assert.Equal(fixture.WorkDir, options.WorkDir);
        }

        services.Configure<TrainerOptions>(o => o.LogInterval = 0);
        using var invalid = services.BuildServiceProvider();
        var failure = Assert.Throws<OptionsValidationException>(() => invalid.GetRequiredService<Trainer>());
        Assert.Equal(["LogInterval (log_interval) must be at least 1, got 0."], failure.Failures);
    }

    [Fact]
    public void NullClearsAnOptionThatMayBeNullAndIsAnErrorForOneThatMayNot()
    {
        // JSON null, as "save_best": null in a config (MMEngine's save_best=None), arrives as an empty value.
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream("""
            { "trainer": { "checkpoint": { "save_best": null }, "work_dir": "w" } }
            """u8.ToArray())).Build();
        var options = new TrainerOptions { Checkpoint = { SaveBest = "auto" } };
        OptionsBinder.Bind(configuration.GetSection(TrainerOptions.SectionName), options);
        Assert.Null(options.Checkpoint.SaveBest);
        Assert.Equal("w", options.WorkDir);

        var notNullable = new ConfigurationBuilder().AddJsonStream(new MemoryStream("""{ "trainer": { "log_interval": null } }"""u8.ToArray())).Build();
        var error = Assert.Throws<ConfigException>(() => OptionsBinder.Bind(notNullable.GetSection(TrainerOptions.SectionName), new TrainerOptions()));
        Assert.Contains("trainer:log_interval: expected an integer, got nothing.", error.Message);
    }

    [Fact]
    public void TheContainerRouteRejectsEveryUnknownKeyLikeConfigFiles()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["trainer:max_epochs"] = "1",
            ["trainer:max_epoch"] = "2",
            ["trainer:amp:enabeld"] = "true",
        }).Build();
        using var provider = new ServiceCollection().AddVisionTrainer(configuration.GetSection(TrainerOptions.SectionName)).BuildServiceProvider();

        var error = Assert.Throws<ConfigException>(() => provider.GetRequiredService<IOptions<TrainerOptions>>().Value);

        Assert.Equal(["trainer:amp:enabeld", "trainer:max_epoch"], error.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Contains("trainer:amp:enabeld: unknown option 'enabeld'", error.Message);
    }

    [Fact]
    public void TheConfigurationWrittenIntoCheckpointsBindsBackToTheSameOptions()
    {
        var options = new TrainerOptions
        {
            MaxIters = 1000,
            ValBegin = 2,
            AccumulateGradBatches = 4,
            ChannelsLast = true,
            Seed = 42,
            LoadFrom = "weights.safetensors",
            ClipGrad = { NormType = 1, ClipValue = 0.5 },
            Amp = { Enabled = true, Dtype = "float16", GrowthInterval = 100 },
            Checkpoint = { ByEpoch = false, MaxKeepCkpts = 3, SaveBest = "accuracy/top1", Rule = "greater", RecoveryInterval = 50, SaveOnInterrupt = false },
            DataPreprocessor = { Mean = [1, 2, 3], Std = [4, 5, 6] },
        };
        // state.json's "config" is the options serialised with the checkpoint's JSON settings.
        var json = System.Text.Json.JsonSerializer.Serialize(new { trainer = options }, FileCheckpointStore.JsonOptions);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        var configuration = new ConfigurationBuilder().AddJsonStream(stream).Build();
        var bound = new TrainerOptions();
        configuration.GetSection(TrainerOptions.SectionName).Bind(bound);
        Assert.Equal(json, System.Text.Json.JsonSerializer.Serialize(new { trainer = bound }, FileCheckpointStore.JsonOptions));
    }
}
