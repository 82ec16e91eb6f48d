using Microsoft.Extensions.DependencyInjection;
using Vision.Data.BatchAugments;
using Vision.Engine.Hooks;
using Vision.Models.Losses;
using Vision.Samples.CasVit;
using Vision.Samples.Common;

namespace Vision.Samples.Tests;

[Collection(SamplesCollection.Name)]
public sealed class CasVitRecipeTests : IDisposable
{
    private readonly TinyClassFolders data = new();

    public void Dispose() => data.Dispose();

    [Fact]
    public void TheDefaultsAreTheCasVitRecipe()
    {
        var recipe = new CasVitOptions { DataRoot = data.Root };
        Assert.Equal(("cas-vit-xs", 224, 512), (recipe.Model, recipe.ImageSize, recipe.StepBatchSize));
        Assert.Equal(6e-3 * 512 / 4096, recipe.LearningRate, 15);
        Assert.Equal((0.05, 20, 300, 1e-6), (recipe.WeightDecay, recipe.WarmupEpochs, recipe.MaxEpochs, recipe.MinLearningRate));
        Assert.Equal("rand-m9-mstd0.5-inc1", recipe.RandAugment);
        Assert.Equal((0.9995, 0.1, 43L), (recipe.EmaDecay, recipe.DropPathRate, recipe.Seed));
    }

    [Fact]
    public void ASmallRunMixesClipsAveragesAndWritesReportAndCurves()
    {
        // 24 training images in batches of 4, two per optimizer step: 6 batches and 3 steps per epoch; the warm-up
        // takes epoch 0, the per-iteration cosine epoch 1.
        const int batchSize = 4, accumulate = 2, epochs = 2, stepsPerEpoch = 3;
        var recipe = new CasVitOptions
        {
            DataRoot = data.Root,
            WorkDir = data.WorkDir,
            ImageSize = 64,
            BatchSize = batchSize,
            AccumulateGradBatches = accumulate,
            MaxEpochs = epochs,
            WarmupEpochs = 1,
            Workers = 0,
            LogInterval = 1,
        };
        var lr = 6e-3 * batchSize * accumulate / 4096;
        Assert.Equal(lr, recipe.LearningRate, 15);

        using var folders = CasVitRecipe.OpenData(recipe);
        using var model = CasVitRecipe.CreateModel(recipe, folders.Classes.Count);
        using var trainer = CasVitRecipe.CreateTrainer(model, folders, recipe);
        Assert.Equal(TinyClassFolders.TrainCount / batchSize, trainer.EpochLength);
        Assert.Equal(stepsPerEpoch, trainer.StepsPerEpoch);

        // Mixup 0.8 / CutMix 1.0 on a tenth of the batches, half of them CutMix, smoothing 0.1, into soft targets.
        var mixup = Assert.IsType<Mixup>(trainer.Services.GetRequiredService<IBatchAugment>());
        Assert.Equal((0.8, 1.0, 0.1, 0.5, 0.1, 3), (mixup.MixupAlpha, mixup.CutmixAlpha, mixup.Prob, mixup.SwitchProb, mixup.LabelSmoothing, mixup.NumClasses));
        Assert.IsType<SoftTargetCrossEntropy>(model.loss_module);
        Assert.True(trainer.Options.Amp.Enabled);
        Assert.Equal(5.0, trainer.Options.ClipGrad.MaxNorm);

        // Weight decay on weights of rank ≥ 2 only, as CAS-ViT's optim_factory.py.
        var groups = trainer.Optimizer.param_groups;
        Assert.Equal(2, groups.Count);
        Assert.Equal([0.05, 0.0], groups.Select(g => g.weight_decay));
        Assert.All(groups[0].@params, p => Assert.True(p.dim() >= 2));
        var named = model.named_parameters().ToList();
        Assert.Equal(named.Where(p => p.parameter.dim() < 2 || p.name.EndsWith(".bias", StringComparison.Ordinal)).Select(p => p.parameter), groups[1].@params);
        Assert.All(groups, g => Assert.Equal(lr, g["initial_lr"], 15));

        var ema = trainer.Hooks.OfType<EMAHook>().Single();
        using var scope = torch.NewDisposeScope();
        var initial = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());

        var result = RecipeRun.FitTestAndPlot(trainer, folders);

        // The lr of each optimizer step (logged on the batch that stepped): linear warm-up from 1e-6 of the lr, reaching
        // it at the warm-up's last step, then cosine to 1e-6 over the 3 steps of epoch 1.
        double Expected(int step) => step < stepsPerEpoch
            ? lr * (1e-6 + (1 - 1e-6) * step / (stepsPerEpoch - 1))
            : 1e-6 + (lr - 1e-6) * (1 + Math.Cos(Math.PI * (step - stepsPerEpoch) / stepsPerEpoch)) / 2;
        var rows = RunFiles.Scalars(result);
        var stepped = rows.Where(r => r.Mode == "train" && r.Name == "lr" && r.Iter % accumulate == 0).ToList();
        Assert.Equal(epochs * stepsPerEpoch, stepped.Count);
        Assert.All(stepped, r => Assert.Equal(Expected((int)(r.Iter / accumulate) - 1), r.Value, 12));

        // The EMA took one update per optimizer step and, at decay 0.9995, stayed much closer to the initial weights
        // than the trained ones; after the test pass the model holds its own weights again.
        Assert.Equal(epochs * stepsPerEpoch, ema.Updates);
        var live = model.state_dict();
        var weight = "backbone.patch_embed.0.weight";
        var trainedDistance = live[weight].sub(initial[weight]).norm().item<double>();
        var emaDistance = ema.Averages[weight].sub(initial[weight]).norm().item<double>();
        Assert.True(trainedDistance > 0);
        Assert.InRange(emaDistance, 1e-12, trainedDistance / 10);
        Assert.False(ema.Averages[weight].equal(live[weight]));

        // A checkpoint per epoch, the newest 3 kept (both here), plus the best.
        var checkpoints = RunFiles.CheckpointNames(result);
        Assert.Equal(["epoch_1", "epoch_2"], checkpoints.Where(n => n.StartsWith("epoch_", StringComparison.Ordinal)));
        Assert.Single(checkpoints, n => n.StartsWith("best_accuracy_top1_epoch_", StringComparison.Ordinal));

        RunFiles.AssertReport(result, evaluatedImages: TinyClassFolders.Classes.Length * TinyClassFolders.TestPerClass);
        RunFiles.AssertCurves(result);
    }
}
