using System.Text.Json.Nodes;
using Vision.Data.BatchAugments;
using Vision.Engine.Configuration;
using Vision.Engine.Evaluation;
using Vision.Engine.Hooks;
using Vision.Engine.Inference;
using Vision.Engine.Optim;
using Vision.Engine.Schedulers;
using Vision.Engine.Tests.Training;
using Vision.Engine.Training;
using Vision.Models.Losses;

namespace Vision.Engine.Tests.Configuration;

[Collection(TrainerCollection.Name)]
public sealed class ExperimentTests : IDisposable
{
    private readonly ConfigFiles files = new();

    public ExperimentTests()
    {
        QuadrantImages.Write(Path.Combine(files.Root, "data/train"), perClass: 16, seed: 1);
        QuadrantImages.Write(Path.Combine(files.Root, "data/val"), perClass: 4, seed: 2);
    }

    public void Dispose() => files.Dispose();

    private string WorkDir => Path.Combine(files.Root, "work");

    // A complete run in MMPreTrain's sections; the tests below change one part of it at a time.
    private string FullConfig(string trainer = """{ "max_epochs": 2, "seed": 7, "progress_bar": false }""") => $$"""
        {
          "model": { "type": "resnet18", "img_size": 8, "loss": { "type": "CrossEntropyLoss", "label_smoothing": 0.1 } },
          "train_dataloader": { "batch_size": 16, "shuffle": true, "seed": 3,
                                "dataset": { "type": "ImageFolder", "root": "{{files.Root}}/data/train" },
                                "pipeline": [ { "type": "RandomFlip", "probability": 0.5 } ] },
          "val_dataloader": { "batch_size": 16, "dataset": { "type": "ImageFolder", "root": "{{files.Root}}/data/val" } },
          "optim_wrapper": { "optimizer": { "type": "SGD", "lr": 0.1, "momentum": 0.9, "weight_decay": 0.0005 },
                             "paramwise_cfg": { "norm_decay_mult": 0 } },
          "auto_scale_lr": { "base_batch_size": 32 },
          "param_scheduler": [ { "type": "LinearLR", "start_factor": 0.25, "end": 1, "convert_to_iter_based": true },
                               { "type": "CosineAnnealingLR", "begin": 1, "end": 2, "T_max": 1 } ],
          "batch_augment": { "type": "Mixup", "mixup_alpha": 0.8, "cutmix_alpha": 1.0, "prob": 0.5 },
          "val_evaluator": [ { "type": "Accuracy", "topk": [1, 2] }, { "type": "SingleLabelMetric" } ],
          "custom_hooks": [ { "type": "EMAHook", "decay": 0.9 } ],
          "trainer": {{trainer}}
        }
        """;

    [Fact]
    public void TrainerSeedDecidesTheInitialWeightsWhateverRanBefore()
    {
        var path = files.Write("configs/quadrants.json", FullConfig());
        float[] InitialWeights()
        {
            torch.manual_seed((ulong)Random.Shared.NextInt64(1, long.MaxValue));   // whatever state the process is in
            using var experiment = Experiment.FromConfig(Config.FromFile(path), WorkDir);
            return experiment.Model.parameters().SelectMany(p => p.detach().flatten().data<float>()).ToArray();
        }
        Assert.Equal(InitialWeights(), InitialWeights());
        // A different seed gives different weights, so the equality above is the seed's doing.
        using var other = Experiment.FromConfig(Config.FromFile(path, ["trainer:seed=8"]), WorkDir);
        Assert.NotEqual(InitialWeights(), other.Model.parameters().SelectMany(p => p.detach().flatten().data<float>()).ToArray());
    }

    [Fact]
    public void AConfigFileBuildsTheModelDataOptimizerSchedulesAugmentEvaluatorsAndHooks()
    {
        var path = files.Write("configs/quadrants.json", FullConfig());
        using var experiment = Experiment.FromConfig(Config.FromFile(path, ["trainer:max_epochs=1"]), WorkDir);

        Assert.Equal(["0", "1", "2", "3"], experiment.Classes);
        Assert.Equal(4, experiment.Model.num_classes);
        Assert.Equal(0.1, Assert.IsType<CrossEntropyLoss>(experiment.Model.loss_module).label_smoothing);
        Assert.Equal(1, experiment.Options.MaxEpochs);
        using var trainer = experiment.CreateTrainer().Build();

        // auto_scale_lr: 0.1 × 16 / 32; LinearLR starts at a quarter of it; norm parameters get no weight decay.
        var sgd = Assert.IsType<SGD>(trainer.Optimizer);
        Assert.All(sgd.param_groups, g => Assert.Equal(0.05 * 0.25, g.lr, 12));
        Assert.All(sgd.param_groups, g => Assert.Equal(0.9, g["momentum"]));
        var normCount = experiment.Model.named_parameters().Count(p => ParamGroupRules.IsNormName(p.name));
        Assert.Equal(normCount, sgd.param_groups.Where(g => g.weight_decay == 0).Sum(g => g.@params.Count));
        Assert.Equal(experiment.Model.parameters().Count() - normCount, sgd.param_groups.Where(g => g.weight_decay == 0.0005).Sum(g => g.@params.Count));

        // convert_to_iter_based turned the one-epoch warm-up into 4 iterations (64 images / 16).
        Assert.Collection(trainer.Schedulers,
            s => Assert.False(Assert.IsType<LinearLR>(s).by_epoch),
            s => Assert.True(Assert.IsType<CosineAnnealingLR>(s).by_epoch));
        Assert.Equal([1, 2], Assert.Single(trainer.Evaluators.OfType<Accuracy>()).Topk);
        Assert.Single(trainer.Evaluators.OfType<SingleLabelMetric>());
        Assert.Equal(0.9 * (1 - Math.Exp(-1001 / 2000.0)), Assert.Single(trainer.Hooks.OfType<EMAHook>()).Decay(1000), 15);
        var mixup = Assert.IsType<Mixup>(trainer.Services.GetService(typeof(IBatchAugment)));
        Assert.Equal((0.8, 1.0, 0.5), (mixup.MixupAlpha, mixup.CutmixAlpha, mixup.Prob));
    }

    [Fact]
    public void APretrainedOfficialCasViTPthBuildsTheDistillationHeadItsKeysCallFor()
    {
        // An official rcvit_xs checkpoint (its own keys, with dist_head) as torch.save writes it, under a .pth name.
        var pth = Path.Combine(files.Root, "rcvit_xs.pth");
        using var source = Vision.Models.Registry.ModelRegistry.Create("cas-vit-xs", num_classes: 4, img_size: 32, new Dictionary<string, string> { ["distillation"] = "true" });
        using (var scope = torch.NewDisposeScope())
        {
            Vision.Serialization.TorchCheckpoint.Save(source.state_dict().ToDictionary(e => e.Key[(e.Key.IndexOf('.', StringComparison.Ordinal) + 1)..], e => e.Value), pth);
        }
        var path = files.Write("configs/quadrants.json", FullConfig());

        using var experiment = Experiment.FromConfig(Config.FromFile(path, ["model:type=cas-vit-xs", "model:img_size=32", $"model:pretrained={pth}"]), WorkDir);

        var head = Assert.IsType<Vision.Models.Heads.CasViTHead>(experiment.Model.head);
        Assert.NotNull(head.dist_head);
        using var comparison = torch.NewDisposeScope();
        Assert.True(experiment.Model.state_dict()["head.dist_head.weight"].equal(source.state_dict()["head.dist_head.weight"]));
        Assert.True(experiment.Model.state_dict()["backbone.network.6.1.mlp.fc2.weight"].equal(source.state_dict()["backbone.network.6.1.mlp.fc2.weight"]));
    }

    [Fact]
    public void FitSavesTheConfigBesideTheRunAndTestReproducesTheLastValidation()
    {
        var path = files.Write("configs/quadrants.json", FullConfig());
        var config = Config.FromFile(path);
        using var experiment = Experiment.FromConfig(config, WorkDir);

        var result = experiment.Fit();

        Assert.Equal(2, result.Epoch);
        Assert.Equal(8, result.Iter);
        Assert.Equal(config.ToJson(), JsonNode.Parse(File.ReadAllText(Path.Combine(WorkDir, "config.json")))!.ToJsonString(new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        Assert.NotNull(result.LatestCheckpoint);

        // Testing the last checkpoint on the validation data (no test_dataloader) sees the same EMA weights as the
        // last validation did, so it reports the same numbers, and writes them down.
        var report = experiment.Test(result.LatestCheckpoint!);
        Assert.Equal(result.Metrics["accuracy/top1"], report.Metrics["accuracy/top1"]);
        Assert.Equal(result.Metrics["accuracy/top2"], report.Metrics["accuracy/top2"]);
        Assert.True(File.Exists(Path.Combine(WorkDir, "test", EvaluationReport.MarkdownFileName)));
        Assert.Equal(4, report.PerClass!.Count);
    }

    [Fact]
    public void ATestOnlyConfigNeedsNoOptimizerTrainingLoaderOrRunLength()
    {
        var trained = Config.FromFile(files.Write("configs/quadrants.json", FullConfig()));
        using var training = Experiment.FromConfig(trained, WorkDir);
        var result = training.Fit();

        // Only the model, a test loader and the evaluators: the same weights give the same numbers as the last validation.
        var testOnly = files.Write("configs/test_only.json", $$"""
            {
              "model": { "type": "resnet18", "img_size": 8, "num_classes": 4 },
              "test_dataloader": { "batch_size": 16, "dataset": { "type": "ImageFolder", "root": "{{files.Root}}/data/val" } },
              "val_evaluator": [ { "type": "Accuracy", "topk": [1, 2] } ],
              "custom_hooks": [ { "type": "EMAHook", "decay": 0.9 } ],
              "trainer": { "progress_bar": false }
            }
            """);
        using var testing = Experiment.FromConfig(Config.FromFile(testOnly), Path.Combine(files.Root, "test_work"));
        var report = testing.Test(result.LatestCheckpoint!);

        Assert.Equal(result.Metrics["accuracy/top1"], report.Metrics["accuracy/top1"]);
        Assert.Equal(result.Metrics["accuracy/top2"], report.Metrics["accuracy/top2"]);
        using var trainer = Trainer.CreateForEvaluation(testing.Model).Build();
        Assert.Contains("built for evaluation only", Assert.Throws<InvalidOperationException>(() => trainer.Fit()).Message);
        Assert.Contains("built for evaluation only", Assert.Throws<InvalidOperationException>(() => trainer.Optimizer).Message);
    }

    [Fact]
    public void TheInferencerRebuildsTheModelFromTheCheckpointAndScoresExactlyAsValidation()
    {
        var path = files.Write("configs/metadata.json", $$"""
            {
              "model": { "type": "resnet18", "img_size": 8 },
              "train_dataloader": { "batch_size": 16, "shuffle": true, "seed": 3,
                                    "dataset": { "type": "ImageFolder", "root": "{{files.Root}}/data/train" } },
              "val_dataloader": { "batch_size": 16, "dataset": { "type": "ImageFolder", "root": "{{files.Root}}/data/val" },
                                  "pipeline": [ { "type": "ResizeEdge", "scale": 11, "interpolation": "Bicubic" }, { "type": "CenterCrop", "size": 8 } ] },
              "optim_wrapper": { "optimizer": { "type": "SGD", "lr": 0.1, "momentum": 0.9 } },
              "val_evaluator": [ { "type": "Accuracy" } ],
              "custom_hooks": [ { "type": "EMAHook", "decay": 0.5 } ],
              "trainer": { "max_epochs": 2, "seed": 7, "progress_bar": false, "amp": { "enabled": true },
                           "data_preprocessor": { "mean": [120, 110, 100], "std": [60, 50, 40] } }
            }
            """);
        using var experiment = Experiment.FromConfig(Config.FromFile(path), WorkDir);
        var result = experiment.Fit();

        // The validation path on the checkpoint's weights: its test pass over the validation loader, logits kept.
        var validation = new List<float[]>();
        var capture = new LogitsCapture(validation);
        experiment.Test(result.LatestCheckpoint!, b => b.WithHooks(capture));

        // The inferencer gets everything from the work dir: no model name, classes, class count or normalisation.
        var inferencer = ImageClassificationInferencer.FromCheckpoint(WorkDir, batchSize: 16);
        using var model = inferencer.Model;
        var dataset = (Vision.Data.Datasets.ImageFolder)experiment.ValDataLoader!.Dataset;
        var results = inferencer.Infer(dataset.Samples.Select(s => Path.Combine(dataset.Root, s.Path)));

        // Trained with AMP, validated under bfloat16 autocast: the inferencer computes the same way.
        Assert.Equal(ScalarType.BFloat16, inferencer.Options.Autocast);
        var metadata = ((Vision.Models.ImageClassifier)model).pretrained_cfg!;
        Assert.Equal(("resnet18", 4L, 8, "bicubic"), (metadata.Architecture, metadata.NumClasses, metadata.ImageSize, metadata.Interpolation));
        Assert.Equal(8.0 / 11, metadata.CropPct, 12);
        Assert.Equal([120.0, 110, 100], metadata.Mean!);
        Assert.Equal(["0", "1", "2", "3"], inferencer.Classes!);
        var scores = Assert.Single(validation);
        Assert.Equal(16, results.Count);
        for (var i = 0; i < results.Count; i++)
        {
            Assert.Equal(scores.AsSpan(i * 4, 4).ToArray(), results[i].PredScores);
            Assert.Equal(dataset.Classes[results[i].PredLabel], results[i].PredClass);
        }
        // Validation and test evaluated the EMA weights, and so did the inferencer by default; the raw ones differ.
        var raw = ImageClassificationInferencer.FromCheckpoint(WorkDir, batchSize: 16, useEma: false);
        using var rawModel = raw.Model;
        var ema = ImageClassificationInferencer.FromCheckpoint(WorkDir, batchSize: 16, useEma: true);
        using var emaModel = ema.Model;
        using (var scope = torch.NewDisposeScope())
        {
            // Host copies compare NaN equal to NaN: SGD at lr 0.1 diverges on this 8-pixel model (in float32 as well as under
            // bfloat16 autocast: loss 1.46 to 30-44 within 8 steps either way) and leaves a few.
            var weights = model.state_dict().ToDictionary(p => p.Key, p => p.Value.contiguous().data<float>());
            Assert.All(emaModel.state_dict(), p => Assert.Equal(weights[p.Key], p.Value.contiguous().data<float>()));
            Assert.Contains(rawModel.state_dict(), p => !weights[p.Key].SequenceEqual(p.Value.contiguous().data<float>()));
        }
    }

    private sealed class LogitsCapture(List<float[]> batches) : Hook
    {
        public override void AfterTestIter(Trainer trainer, int batchIndex, Vision.Data.Batch batch, Tensor logits) =>
            batches.Add(logits.softmax(1).data<float>());
    }

    [Fact]
    public void EveryMistakeOfAConfigIsReportedInOneRunWithItsPath()
    {
        var path = files.Write("configs/mistakes.json", FullConfig("""{ "max_epochs": 2, "max_epoch": 3, "clip_grad": { "max_nrom": 1 } }"""));
        var config = Config.FromFile(path, [
            "train_dataloader:batch_sise=4",
            "train_dataloader:pipeline:0:type=RandomFlop",
            "model:depth=18",
            "optim_wrapper:optimizer:momentun=0.9",
            "param_scheduler:1:T_maks=3",
            "batch_augment:type=Mixup",
            "batch_augment:mixup_alpah=0.8",
            "val_evaluator:0:topkk=1",
            "custom_hooks:0:decy=0.9",
        ]);

        // The optimizer, schedulers, batch augment, evaluators and hooks are made later, with the trainer, but their
        // mistakes are reported in the same run as the data, model and trainer ones.
        var error = Assert.Throws<ConfigException>(() => Experiment.FromConfig(config, WorkDir));

        Assert.Equal(
            ["batch_augment", "custom_hooks:0", "model:depth", "optim_wrapper:optimizer", "param_scheduler:1", "train_dataloader:batch_sise",
             "train_dataloader:pipeline:0:type", "trainer:clip_grad:max_nrom", "trainer:max_epoch", "val_evaluator:0"],
            error.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.StartsWith("10 configuration errors:", error.Message);
        Assert.Contains("trainer:clip_grad:max_nrom: unknown option 'max_nrom'", error.Message);
        Assert.Contains("optim_wrapper:optimizer: SGD: unknown option 'momentun'", error.Message);
        Assert.Contains("batch_augment: Mixup: unknown option 'mixup_alpah'", error.Message);
        Assert.False(Directory.Exists(WorkDir));
    }

    [Fact]
    public void WithoutAWorkDirTheRunGoesToWorkDirsNamedAfterTheConfig()
    {
        var path = files.Write("configs/quadrants.json", FullConfig());
        using var experiment = Experiment.FromConfig(Config.FromFile(path));
        Assert.Equal(Path.Combine("work_dirs", "quadrants"), experiment.Options.WorkDir);
    }

    [Theory]
    [InlineData("model:type=resnet9", "model: Unknown model 'resnet9'")]
    [InlineData("model:depth=18", "model:depth: unknown option 'depth' of the model (options: type, num_classes, img_size, drop_rate, drop_path_rate, pretrained; architecture settings such as depth go under \"overrides\"")]
    [InlineData("model:img_size=big", "model:img_size: 'big' is not an integer.")]
    [InlineData("train_dataloader:pipeline:0:type=RandomFlop", "train_dataloader:pipeline:0:type: unknown transform type 'RandomFlop'")]
    [InlineData("train_dataloader:batch_sise=4", "train_dataloader:batch_sise: unknown option 'batch_sise' of DataLoaderOptions")]
    [InlineData("train_dataloader:dataset:root=/nowhere", "train_dataloader:dataset: ImageFolder: ImageFolder: the dataset folder /nowhere does not exist.")]
    [InlineData("trainer:max_epoch=3", "trainer:max_epoch: unknown option 'max_epoch' of TrainerOptions (options: max_epochs, max_iters, ")]
    [InlineData("trainer:clip_grad:max_nrom=3", "trainer:clip_grad:max_nrom: unknown option 'max_nrom' of ClipGradOptions (options: ")]
    [InlineData("trainer:max_epochs=two", "trainer:max_epochs: 'two' is not an integer.")]
    [InlineData("optim_wrapper:optimizer:type=Adamx", "optim_wrapper:optimizer:type: unknown optimizer type 'Adamx'")]
    [InlineData("optim_wrapper:optimizer:momentun=0.9", "optim_wrapper:optimizer: SGD: unknown option 'momentun'")]
    [InlineData("param_scheduler:1:T_maks=3", "param_scheduler:1: CosineAnnealingLR: unknown option 'T_maks'")]
    [InlineData("param_scheduler:0:convert_to_iter_based=yes", "param_scheduler:0:convert_to_iter_based: 'yes' is not true or false.")]
    [InlineData("trainer:max_iters=four", "trainer:max_iters: 'four' is not an integer.")]
    [InlineData("param_schedular=[]", "param_schedular: unknown section 'param_schedular'. Did you mean: param_scheduler? Sections: model, train_dataloader, ")]
    [InlineData("modle:type=resnet18", "modle: unknown section 'modle'. Did you mean: model? Sections: ")]
    [InlineData("model:num_classes=3", "model:num_classes: the model has 3 classes, but train_dataloader's dataset has 4 (labels 0 to 3); set num_classes to at least 4 or leave it out.")]
    [InlineData("val_evaluator:0:topk=[1, 5]", "val_evaluator:0:topk: top-5 accuracy needs at least 5 classes, but the model has 4 (model:num_classes).")]
    [InlineData("trainer:checkpoint:save_best=accuracy/top5", "trainer:checkpoint:save_best: 'accuracy/top5' is not a metric the evaluators report (they report: accuracy/top1, accuracy/top2, ")]
    public void MistakesAreReportedWithTheirPathBeforeAnythingRuns(string change, string expectedStart)
    {
        var path = files.Write("configs/quadrants.json", FullConfig());
        var e = Assert.Throws<ConfigException>(() => Experiment.FromConfig(Config.FromFile(path, [change]), WorkDir).Dispose());
        Assert.StartsWith(expectedStart, e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(WorkDir));
    }

    [Theory]
    [InlineData("optim_wrapper:optimizer:lr=-1", "optim_wrapper:optimizer: SGD: ")]
    [InlineData("custom_hooks:0:decay=2", "custom_hooks:0: EMAHook: ")]
    [InlineData("auto_scale_lr:base_batch_size=0", "auto_scale_lr:base_batch_size: auto_scale_lr needs a positive base_batch_size")]
    public void ComponentMistakesAreReportedWhenTheTrainerIsBuilt(string change, string expectedStart)
    {
        var path = files.Write("configs/quadrants.json", FullConfig());
        using var experiment = Experiment.FromConfig(Config.FromFile(path, [change]), WorkDir);
        var e = Assert.Throws<ConfigException>(() => experiment.CreateTrainer().Build().Dispose());
        Assert.StartsWith(expectedStart, e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(WorkDir, "checkpoints")));
    }

    [Fact]
    public void AnEmptyPipelineAndAValidSaveBestAreAccepted()
    {
        var path = files.Write("configs/quadrants.json", FullConfig());
        using var experiment = Experiment.FromConfig(Config.FromFile(path, ["train_dataloader:pipeline=[]", "trainer:checkpoint:save_best=accuracy/top2"]), WorkDir);
        Assert.Equal("accuracy/top2", experiment.Options.Checkpoint.SaveBest);
    }

    [Fact]
    public void AnEmptySetValueClearsTheSetting()
    {
        var path = files.Write("configs/quadrants.json", FullConfig("""{ "max_epochs": 2, "load_from": "nowhere.safetensors" }"""));
        using var experiment = Experiment.FromConfig(Config.FromFile(path, ["trainer:load_from="]), WorkDir);
        Assert.Null(experiment.Options.LoadFrom);
        Assert.Equal(2, experiment.Options.MaxEpochs);
    }

    [Fact]
    public void ResumeWinsOverLoadFromAndLoadFromStartsARunWithNothingToResume()
    {
        var path = files.Write("configs/quadrants.json", FullConfig("""{ "max_epochs": 1, "seed": 7, "progress_bar": false }"""));
        string weights;
        using (var first = Experiment.FromConfig(Config.FromFile(path), WorkDir))
        {
            weights = first.Fit().LatestCheckpoint!;
        }
        int IterationsRun(string workDir)
        {
            var counter = new IterationCounter();
            using var experiment = Experiment.FromConfig(Config.FromFile(path, ["trainer:max_epochs=2", $"trainer:load_from={weights}", "trainer:resume=auto"]), workDir);
            var result = experiment.Fit(b => b.WithHooks(counter));
            Assert.Equal(8, result.Iter);
            return counter.Count;
        }
        // The first run's work dir has its checkpoint: only the second epoch runs. A fresh one starts from load_from: both.
        Assert.Equal(4, IterationsRun(WorkDir));
        Assert.Equal(8, IterationsRun(Path.Combine(files.Root, "fine-tune")));
    }

    private sealed class IterationCounter : Hook
    {
        public int Count { get; private set; }

        public override void AfterTrainIter(Trainer trainer, int batchIndex, Vision.Data.Batch batch, TrainStepOutput output) => Count++;
    }

    [Fact]
    public void ReportsNameWhatTheyEvaluatedAndTheRunKeepsATextLog()
    {
        var path = files.Write("configs/quadrants.json", FullConfig("""{ "max_epochs": 1, "seed": 7, "progress_bar": false }"""));
        using var experiment = Experiment.FromConfig(Config.FromFile(path), WorkDir);
        var result = experiment.Fit();
        var checkpoint = result.LatestCheckpoint!;

        experiment.Test(checkpoint);

        var source = JsonNode.Parse(File.ReadAllText(Path.Combine(WorkDir, "test", EvaluationReport.JsonFileName)))!["source"]!;
        Assert.Equal(Path.GetFullPath(checkpoint), (string?)source["checkpoint"]);
        Assert.Equal(path, (string?)source["config"]);
        Assert.Equal("EMA", (string?)source["weights"]);
        Assert.Equal($"ImageFolder {Path.Combine(files.Root, "data/val")}", (string?)source["dataset"]);
        Assert.Equal(16, (long)source["samples"]!);
        var markdown = File.ReadAllText(Path.Combine(WorkDir, "test", EvaluationReport.MarkdownFileName));
        Assert.Contains($"- Checkpoint: {Path.GetFullPath(checkpoint)}\n- Config: {path}\n- Weights: EMA\n", markdown.ReplaceLineEndings("\n"));

        // As MMEngine's runners, the training and the test each keep what the console showed in {work_dir}/{timestamp}.log.
        var logs = Directory.GetFiles(WorkDir, "*.log").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToList();
        Assert.Equal(2, logs.Count);
        Assert.All(logs, log => Assert.Matches(@"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} - INFO - ", log));
        Assert.Contains(" - INFO - Intra-op threads: ", logs[0]);
        Assert.Contains($" - INFO - Test report: {Path.Combine(WorkDir, "test", EvaluationReport.MarkdownFileName)}", logs[1]);

        var top1 = result.Metrics["accuracy/top1"].ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"Metrics = {{ accuracy/top1 = {top1}, ", result.ToString());
        Assert.Contains($"Epoch = 1, Iter = 4, ", result.ToString());
    }

    [Fact]
    public void AnUnwritableCheckpointFolderIsFoundBeforeTheFirstStep()
    {
        var path = files.Write("configs/quadrants.json", FullConfig());
        Directory.CreateDirectory(WorkDir);
        // A file where the folder goes: the test runs as root too, which file permissions would not stop.
        File.WriteAllText(Path.Combine(WorkDir, "checkpoints"), "");
        using var experiment = Experiment.FromConfig(Config.FromFile(path), WorkDir);
        var counter = new IterationCounter();

        var e = Assert.Throws<IOException>(() => experiment.Fit(b => b.WithHooks(counter)));

        Assert.StartsWith($"The checkpoint folder '{Path.Combine(WorkDir, "checkpoints")}' cannot be written, so no checkpoint could be saved: ", e.Message);
        Assert.Equal(0, counter.Count);
    }

    [Theory]
    [InlineData("trainer:val_interval=1", "trainer:val_interval: 1 in an iteration-based run (max_iters = 8, 4 iterations per epoch) would count iterations (validation after every iteration): say its unit with val_by_epoch: false (iterations, as MMEngine's IterBasedTrainLoop) or val_by_epoch: true (epochs: every 4 iterations).")]
    [InlineData("trainer:checkpoint:interval=2", "trainer:checkpoint:interval: 2 in an iteration-based run (max_iters = 8, 4 iterations per epoch) would count iterations (a checkpoint after every 2 iterations): say its unit with checkpoint.by_epoch: false (iterations, as MMEngine's CheckpointHook(by_epoch=False)) or checkpoint.by_epoch: true (at the end of every 2 epochs).")]
    public void AnIterationBasedConfigRejectsIntervalsThatDoNotSayTheirUnit(string change, string message)
    {
        var path = files.Write("configs/quadrants.json", FullConfig("""{ "max_iters": 8, "seed": 7, "progress_bar": false }"""));
        var e = Assert.Throws<ConfigException>(() => Experiment.FromConfig(Config.FromFile(path, [change]), WorkDir).Dispose());
        Assert.Equal(message, e.Message);
        // With the unit said, the same interval is accepted.
        var unit = change.Contains("checkpoint", StringComparison.Ordinal) ? "trainer:checkpoint:by_epoch=false" : "trainer:val_by_epoch=false";
        using var accepted = Experiment.FromConfig(Config.FromFile(path, [change, unit]), WorkDir);
    }

    [Fact]
    public void IntervalsInEpochsAreConvertedInAnIterationBasedRun()
    {
        var path = files.Write("configs/quadrants.json", FullConfig("""
            { "max_iters": 8, "seed": 7, "progress_bar": false, "val_interval": 1, "val_by_epoch": true,
              "checkpoint": { "interval": 1, "by_epoch": true, "max_keep_ckpts": -1 } }
            """));
        using var experiment = Experiment.FromConfig(Config.FromFile(path), WorkDir);
        var validations = new ValidationCounter();
        var result = experiment.Fit(b => b.WithHooks(validations));
        // One epoch is 4 iterations: validation and a checkpoint after iterations 4 and 8, not after each of the 8.
        Assert.Equal([4L, 8L], validations.Iters);
        Assert.Equal(8, result.Iter);
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(WorkDir, "checkpoints")).Count(d => Path.GetFileName(d).StartsWith("epoch_", StringComparison.Ordinal)));
    }

    private sealed class ValidationCounter : Hook
    {
        public List<long> Iters { get; } = [];

        public override void AfterValEpoch(Trainer trainer, IReadOnlyDictionary<string, double> metrics) => Iters.Add(trainer.Iter);
    }
}
