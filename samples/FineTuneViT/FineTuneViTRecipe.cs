using Vision.Data;
using Vision.Data.Datasets;
using Vision.Data.Transforms;
using Vision.Engine.Evaluation;
using Vision.Engine.Optim;
using Vision.Engine.Schedulers;
using Vision.Engine.Training;
using Vision.Models;
using Vision.Models.Registry;
using Vision.Models.Weights;
using Vision.nn;
using Vision.Samples.Common;
using Vision.Serialization;

namespace Vision.Samples.FineTuneViT;

/// <summary>
/// MMPreTrain's ViT fine-tuning recipe on any class-per-folder dataset, step by step: data, model, pretrained
/// weights, optimizer, schedule, trainer, then <see cref="Run"/> puts them together. Every number comes from
/// <see cref="FineTuneViTOptions"/>, whose defaults document where each was taken from.
/// </summary>
public static class FineTuneViTRecipe
{
    /// <summary>
    /// Pixel mean per RGB channel, 0–255 scale (vit-base-p32_ft-64xb64_in1k-384.py: data_preprocessor mean=127.5):
    /// the [-1, 1] range the ImageNet-21k ViT weights were trained with, not ImageNet's statistics.
    /// </summary>
    public static readonly double[] Mean = [127.5, 127.5, 127.5];

    /// <summary>Pixel std per RGB channel, 0–255 scale (same config: std=127.5).</summary>
    public static readonly double[] Std = [127.5, 127.5, 127.5];

    /// <summary>
    /// The parameters without weight decay (imagenet_bs4096_AdamW.py paramwise_cfg: CustomKeys '.cls_token' and
    /// '.pos_embed' with DecayMult=0): decaying the learned tokens towards zero erases what they encode.
    /// </summary>
    public static readonly IReadOnlyList<string> NoDecayKeys = [".cls_token", ".pos_embed"];

    /// <summary>The training pipeline of the config: RandomResizedCrop to the image size, then a horizontal flip with probability 0.5.</summary>
    public static IReadOnlyList<ITransform> TrainTransforms(int imageSize) =>
        [new RandomResizedCrop(imageSize), new RandomFlip(probability: 0.5, FlipDirection.Horizontal)];

    /// <summary>The test pipeline of the config: the short edge resized to the image size, then a centre crop of it.</summary>
    public static IReadOnlyList<ITransform> EvalTransforms(int imageSize) =>
        [new ResizeEdge(imageSize, Edge.Short), new CenterCrop(imageSize)];

    /// <summary>Indexes the dataset and creates the loaders with the recipe's pipelines.</summary>
    public static ClassFolderData OpenData(FineTuneViTOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ClassFolderData.Open(options.DataRoot, TrainTransforms(options.ImageSize), EvalTransforms(options.ImageSize),
            options.BatchSize, options.Workers, options.Seed);
    }

    /// <summary>Creates the ViT for <paramref name="numClasses"/> classes at the recipe's resolution, initialised from the recipe's seed.</summary>
    public static ImageClassifier CreateModel(FineTuneViTOptions options, int numClasses)
    {
        ArgumentNullException.ThrowIfNull(options);
        torch.manual_seed((ulong)options.Seed);
        return ModelRegistry.Create(options.Model, new ModelOptions
        {
            NumClasses = numClasses,
            ImageSize = options.ImageSize,
            DropRate = options.DropRate,
        });
    }

    /// <summary>
    /// Loads 224-px (or any other size) weights into <paramref name="model"/> from a PyTorch <c>.pth</c> or a
    /// safetensors file: keys are used as they are when they are Vision's, else mapped by the layout they match
    /// (MMPreTrain's or timm's ViT), else by the architecture's key map; the position embedding is resized to the
    /// model's grid and a classifier of another class count is skipped.
    /// </summary>
    /// <exception cref="ArgumentException">The checkpoint does not fit the architecture (the message lists what differs).</exception>
    /// <exception cref="InvalidDataException">The file is damaged or not a weights checkpoint.</exception>
    public static WeightLoadResult LoadPretrained(ImageClassifier model, string modelName, string path, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return PretrainedWeights.Load(model, path, new WeightLoadOptions { FallbackKeyMap = ModelRegistry.Get(modelName).PretrainedKeyMap, Log = log });
    }

    /// <summary>AdamW at the scaled lr and the recipe's weight decay, with <see cref="NoDecayKeys"/> in a group without decay.</summary>
    public static Optimizer CreateOptimizer(Module<Tensor, Tensor> model, FineTuneViTOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var rules = new ParamGroupRules
        {
            CustomKeys = NoDecayKeys.ToDictionary(key => key, _ => new CustomKey(DecayMult: 0)),
        };
        var groups = rules.Build(model.named_parameters().Select(p => (p.name, p.parameter)), options.LearningRate, options.WeightDecay);
        return new AdamW(groups, lr: options.LearningRate, weight_decay: options.WeightDecay);
    }

    /// <summary>
    /// The trainer: linear warm-up from <see cref="FineTuneViTOptions.WarmupStartFactor"/> over the warm-up epochs,
    /// stepped every iteration, then a per-epoch cosine to 0 at the last epoch; gradient clipping; validation, checkpoints
    /// and the seed as the options say; top-1/top-5 accuracy, loss, per-class precision/recall/F1 and the confusion matrix.
    /// </summary>
    /// <exception cref="ArgumentException">The warm-up does not end before the last epoch.</exception>
    public static Trainer CreateTrainer(ImageClassifier model, ClassFolderData data, FineTuneViTOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (options.WarmupEpochs >= options.MaxEpochs)
        {
            throw new ArgumentException($"The warm-up ({options.WarmupEpochs} epochs) must end before the last epoch ({options.MaxEpochs}).", nameof(options));
        }
        return Trainer.Create(model, data.Train, data.Val)
            .WithOptimizer(m => CreateOptimizer(m, options))
            .WithSchedule(
                c => new LinearLR(c.Optimizer, start_factor: options.WarmupStartFactor, begin: 0, end: options.WarmupEpochs, epoch_length: c.StepsPerEpoch),
                c => new CosineAnnealingLR(c.Optimizer, T_max: options.MaxEpochs - options.WarmupEpochs, begin: options.WarmupEpochs, end: options.MaxEpochs))
            .WithEvaluator(new Accuracy([1, 5]), new LossEvaluator(), new SingleLabelMetric(), new ConfusionMatrix())
            .WithOptions(o =>
            {
                o.MaxEpochs = options.MaxEpochs;
                o.ValBegin = options.ValBegin;
                o.ValInterval = options.ValInterval;
                o.ClipGrad.MaxNorm = options.ClipGradMaxNorm;
                o.Checkpoint.Interval = options.CheckpointInterval;
                o.Checkpoint.MaxKeepCkpts = options.MaxKeepCheckpoints;
                o.Checkpoint.SaveBest = "accuracy/top1";
                o.Seed = options.Seed;
                o.LogInterval = options.LogInterval;
                o.Device = options.Device;
                o.DataPreprocessor.Mean = Mean;
                o.DataPreprocessor.Std = Std;
            })
            .WithWorkDir(options.WorkDir)
            .Build();
    }

    /// <summary>Fine-tunes on the dataset, evaluates the result on test/ (or val/) and draws the curves.</summary>
    public static RecipeResult Run(FineTuneViTOptions options, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var data = OpenData(options);
        using var model = CreateModel(options, data.Classes.Count);
        if (options.Pretrained is { } pretrained)
        {
            var loaded = LoadPretrained(model, options.Model, pretrained, log);
            log?.Invoke($"Loaded {loaded.LoadedKeys.Count} tensors from {pretrained} (position embedding resized: {loaded.AdaptedKeys.Count > 0}).");
        }
        using var trainer = CreateTrainer(model, data, options);
        return RecipeRun.FitTestAndPlot(trainer, data);
    }
}
