using Vision.Models.Backbones;
using Vision.nn;
using Vision.Samples.Common;
using Vision.Samples.FineTuneViT;
using Vision.Serialization;
using Vision.Tests.Reference;

namespace Vision.Samples.Tests;

[Collection(SamplesCollection.Name)]
public sealed class FineTuneViTRecipeTests : IDisposable
{
    private readonly TinyClassFolders data = new();

    public void Dispose() => data.Dispose();

    [Fact]
    public void TheDefaultsAreTheMMPreTrainRecipe()
    {
        var recipe = new FineTuneViTOptions { DataRoot = data.Root };
        Assert.Equal(("vit-base-p32", 384, 32), (recipe.Model, recipe.ImageSize, recipe.BatchSize));
        Assert.Equal(0.003 * 32 / 4096, recipe.LearningRate, 15);
        Assert.Equal((0.3, 1e-4, 10, 100, 1.0), (recipe.WeightDecay, recipe.WarmupStartFactor, recipe.WarmupEpochs, recipe.MaxEpochs, recipe.ClipGradMaxNorm));
        Assert.Equal((20, 5, 10, 2, 2023L), (recipe.ValBegin, recipe.ValInterval, recipe.CheckpointInterval, recipe.MaxKeepCheckpoints, recipe.Seed));
    }

    [Fact]
    public void ASmallRunFollowsTheRecipesGroupsScheduleCheckpointsAndWritesReportAndCurves()
    {
        // 24 training images in batches of 8: 3 iterations per epoch; warm-up over epoch 0, cosine over epochs 1–2.
        const int batchSize = 8, epochs = 3, warmupEpochs = 1, itersPerEpoch = 3;
        var recipe = new FineTuneViTOptions
        {
            DataRoot = data.Root,
            WorkDir = data.WorkDir,
            Model = "vit-tiny-p16",
            ImageSize = 32,
            BatchSize = batchSize,
            MaxEpochs = epochs,
            WarmupEpochs = warmupEpochs,
            ValBegin = 2,
            ValInterval = 1,
            CheckpointInterval = 1,
            Workers = 0,
            LogInterval = 1,
        };
        var lr = 0.003 * batchSize / 4096;
        Assert.Equal(lr, recipe.LearningRate, 15);

        using var folders = FineTuneViTRecipe.OpenData(recipe);
        using var model = FineTuneViTRecipe.CreateModel(recipe, folders.Classes.Count);
        using var trainer = FineTuneViTRecipe.CreateTrainer(model, folders, recipe);

        // Two groups: cls_token and pos_embed without decay, everything else with 0.3; both at the scaled lr, whose
        // warm-up starts at 1e-4 of it.
        var groups = trainer.Optimizer.param_groups;
        Assert.Equal(2, groups.Count);
        var backbone = (VisionTransformer)model.backbone;
        var noDecay = groups.Single(g => g.@params.Contains(backbone.cls_token));
        Assert.Equal(2, noDecay.@params.Count);
        Assert.Contains(backbone.pos_embed, noDecay.@params);
        Assert.Equal(0.0, noDecay.weight_decay);
        var decayed = groups.Single(g => g != noDecay);
        Assert.Equal(0.3, decayed.weight_decay);
        Assert.Equal(model.parameters().Count() - 2, decayed.@params.Count);
        Assert.All(groups, g => Assert.Equal(lr, g["initial_lr"], 15));
        Assert.All(groups, g => Assert.Equal(lr * 1e-4, g.lr, 15));

        var result = RecipeRun.FitTestAndPlot(trainer, folders);

        // The lr each iteration stepped with: LinearLR from 1e-4 to 1 over the warm-up's 3 iterations (reaching 1 at
        // its last), then the per-epoch cosine: epoch 1 at the full lr, epoch 2 at (1 + cos(π · 1 / 2)) / 2 of it.
        double Expected(int iteration)
        {
            var epoch = iteration / itersPerEpoch;
            if (epoch < warmupEpochs)
            {
                var lastWarmupIter = warmupEpochs * itersPerEpoch - 1;
                return lr * (1e-4 + (1 - 1e-4) * iteration / lastWarmupIter);
            }
            return lr * (1 + Math.Cos(Math.PI * (epoch - warmupEpochs) / (epochs - warmupEpochs))) / 2;
        }
        var rows = RunFiles.Scalars(result);
        var logged = rows.Where(r => r.Mode == "train" && r.Name == "lr").ToList();
        Assert.Equal(Enumerable.Range(1, epochs * itersPerEpoch).Select(i => (long)i), logged.Select(r => r.Iter));
        Assert.All(logged, r => Assert.Equal(Expected((int)r.Iter - 1), r.Value, 12));
        Assert.Equal(lr, logged[itersPerEpoch].Value, 15);

        // Validation from epoch 2 every epoch; a checkpoint per epoch keeping the newest 2, plus the best.
        Assert.Equal([2, 3], rows.Where(r => r.Mode == "val" && r.Name == "accuracy/top1").Select(r => r.Epoch));
        var checkpoints = RunFiles.CheckpointNames(result);
        Assert.Equal(["epoch_2", "epoch_3"], checkpoints.Where(n => n.StartsWith("epoch_", StringComparison.Ordinal)));
        Assert.Single(checkpoints, n => n.StartsWith("best_accuracy_top1_epoch_", StringComparison.Ordinal));
        Assert.Equal(epochs * itersPerEpoch, result.Fit.Iter);

        RunFiles.AssertReport(result, evaluatedImages: TinyClassFolders.Classes.Length * TinyClassFolders.TestPerClass);
        RunFiles.AssertCurves(result);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void PretrainedWeightsOfASmallerImageLoadWithAResizedPositionEmbeddingAndANewHead(bool timmLayout)
    {
        // The "224-px checkpoint" at test scale: ViT-Ti/16 at 32 px (a 2 × 2 grid) with 10 classes, loaded into the
        // recipe's model at 64 px (4 × 4) with 3 classes.
        var path = Path.Combine(data.Root, "pretrained.safetensors");
        var recipe = new FineTuneViTOptions { DataRoot = data.Root, Model = "vit-tiny-p16", ImageSize = 64, Seed = 5 };
        using var source = FineTuneViTRecipe.CreateModel(recipe with { ImageSize = 32, Seed = 9 }, numClasses: 10);
        using (torch.NewDisposeScope())
        {
            var state = source.state_dict().ToDictionary(
                p => timmLayout ? p.Key.Replace("head.layers.head.", "head.", StringComparison.Ordinal).Replace("backbone.", "", StringComparison.Ordinal) : p.Key,
                p => p.Value);
            SafeTensors.Save(state, path);
        }
        using var target = FineTuneViTRecipe.CreateModel(recipe, numClasses: 3);
        using var scope = torch.NewDisposeScope();
        var headBefore = target.state_dict()["head.layers.head.weight"].clone();

        var result = FineTuneViTRecipe.LoadPretrained(target, recipe.Model, path);

        Assert.Equal(["backbone.pos_embed"], result.AdaptedKeys);
        Assert.Equal(["head.layers.head.bias", "head.layers.head.weight"], result.SkippedKeys.Order(StringComparer.Ordinal));
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        var sourceState = source.state_dict();
        var targetState = target.state_dict();
        Assert.Equal([1L, 17, 192], targetState["backbone.pos_embed"].shape);
        Assert.True(targetState["backbone.pos_embed"].equal(VisionTransformer.ResizePosEmbed(sourceState["backbone.pos_embed"], new Pair(4, 4))));
        Assert.True(targetState["backbone.patch_embed.proj.weight"].equal(sourceState["backbone.patch_embed.proj.weight"]));
        Assert.True(targetState["backbone.cls_token"].equal(sourceState["backbone.cls_token"]));
        Assert.True(targetState["head.layers.head.weight"].equal(headBefore));
    }

    [SkippableFact]
    public void TheRecipeStartsFromAnMMPreTrainCheckpointAsPyTorchSavedIt()
    {
        // MMPreTrain's layout and MMEngine's wrapper ({"meta", "state_dict"}), written by torch.save: ViT-Ti/16 at
        // 32 px (a 2 × 2 grid) with 10 classes, like the 21k-pretrained checkpoint the recipe starts from at its scale.
        var path = Path.Combine(data.Root, "vit-tiny-p16_mmpretrain.pth");
        var reference = TorchReference.Run(MMPreTrainReference.ViTClassifierScript + "\n" + $$"""
            torch.manual_seed(3)
            m = Classifier(32, 16, 192, 12, 3, 768, 10)
            torch.save({"meta": {"mmengine_version": "0.10.4", "dataset_meta": {"classes": tuple(str(i) for i in range(10))} }, "state_dict": m.state_dict()}, {{System.Text.Json.JsonSerializer.Serialize(path)}})
            sd = m.state_dict()
            out = {"fc2": sd["backbone.layers.11.ffn.layers.1.weight"], "projection": sd["backbone.patch_embed.projection.weight"], "ln1": sd["backbone.ln1.bias"]}
            """);
        var recipe = new FineTuneViTOptions
        {
            DataRoot = data.Root, WorkDir = data.WorkDir, Model = "vit-tiny-p16", ImageSize = 64, BatchSize = 8, MaxEpochs = 2, WarmupEpochs = 1,
            ValBegin = 1, Workers = 0, Pretrained = path,
        };

        using (var model = FineTuneViTRecipe.CreateModel(recipe, numClasses: 3))
        using (var scope = torch.NewDisposeScope())
        {
            var result = FineTuneViTRecipe.LoadPretrained(model, recipe.Model, path);
            Assert.Equal("mmpretrain-vit", result.Layout);
            Assert.Equal(["backbone.pos_embed"], result.AdaptedKeys);
            Assert.Equal(["head.layers.head.bias", "head.layers.head.weight"], result.SkippedKeys.Order(StringComparer.Ordinal));
            Assert.Empty(result.MissingKeys);
            var state = model.state_dict();
            Assert.Equal(TorchReference.Doubles(reference.GetProperty("fc2")), state["backbone.blocks.11.mlp.fc2.weight"].to(ScalarType.Float64).data<double>());
            Assert.Equal(TorchReference.Doubles(reference.GetProperty("projection")), state["backbone.patch_embed.proj.weight"].to(ScalarType.Float64).data<double>());
            Assert.Equal(TorchReference.Doubles(reference.GetProperty("ln1")), state["backbone.norm.bias"].to(ScalarType.Float64).data<double>());
        }

        var log = new List<string>();
        var run = FineTuneViTRecipe.Run(recipe, log.Add);
        Assert.Contains(log, l => l.StartsWith("Checkpoint key layout: mmpretrain-vit", StringComparison.Ordinal));
        Assert.Contains($"Loaded 150 tensors from {path} (position embedding resized: True).", log);
        Assert.NotNull(run.Fit.BestCheckpoint);
    }
}
