using Vision.Data;
using Vision.Data.Datasets;
using Vision.Data.BatchAugments;
using Vision.Data.Image;
using Vision.Data.Transforms;
using Vision.Engine.Evaluation;
using Vision.Engine.Hooks;
using Vision.Engine.Optim;
using Vision.Engine.Schedulers;
using Vision.Engine.Training;
using Vision.Models;
using Vision.Models.Losses;
using Vision.Models.Registry;
using Vision.nn;
using Vision.Samples.Common;

namespace Vision.Samples.CasVit;

/// <summary>
/// The CAS-ViT training recipe on any class-per-folder dataset, step by step: data, model, optimizer, batch
/// augment, trainer, then <see cref="Run"/> puts them together and ends with the evaluation report and the loss
/// and accuracy curves. Every number comes from <see cref="CasVitOptions"/>, whose defaults say where each was taken from.
/// </summary>
public static class CasVitRecipe
{
    /// <summary>ImageNet's pixel mean per RGB channel, 0–255 scale (main.py: --imagenet_default_mean_and_std True).</summary>
    public static readonly double[] Mean = [123.675, 116.28, 103.53];

    /// <summary>ImageNet's pixel std per RGB channel, 0–255 scale.</summary>
    public static readonly double[] Std = [58.395, 57.12, 57.375];

    /// <summary>At and above this size evaluation images are warped to a square instead of resized and centre-cropped (datasets.py).</summary>
    public const int WarpEvalFromSize = 384;

    /// <summary>The evaluation centre crop's share of the resized image below <see cref="WarpEvalFromSize"/> (datasets.py: crop_pct 224 / 256).</summary>
    public const double EvalCropFraction = 224.0 / 256.0;

    /// <summary>
    /// timm's training pipeline as main.py builds it: RandomResizedCrop (bicubic), horizontal flip, RandAugment filled
    /// with the mean colour (timm passes round(255 · mean)); colour jitter is off because RandAugment is on, and random
    /// erasing is off (--reprob 0). The seed recipe's Cutout comes last.
    /// </summary>
    public static IReadOnlyList<ITransform> TrainTransforms(CasVitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var fill = Mean.Select(channel => Math.Round(channel)).ToArray();
        return
        [
            new RandomResizedCrop(options.ImageSize, interpolation: Interpolation.Bicubic),
            new RandomFlip(probability: 0.5, FlipDirection.Horizontal),
            Vision.Data.Transforms.RandAugment.Parse(options.RandAugment, fill, Interpolation.Bicubic),
            new Cutout(options.CutoutHoles, Math.Max(1, (int)(options.ImageSize * options.CutoutFraction))),
        ];
    }

    /// <summary>
    /// The evaluation pipeline of datasets.py: below <see cref="WarpEvalFromSize"/>, the short edge resized to
    /// size / <see cref="EvalCropFraction"/> and a centre crop of the size; from it up, a bicubic warp to size × size.
    /// </summary>
    public static IReadOnlyList<ITransform> EvalTransforms(int imageSize) => imageSize >= WarpEvalFromSize
        ? [new Resize(imageSize, imageSize, Interpolation.Bicubic)]
        : [new ResizeEdge((int)(imageSize / EvalCropFraction), Edge.Short, Interpolation.Bicubic), new CenterCrop(imageSize)];

    /// <summary>Indexes the dataset and creates the loaders; the training loader drops its last, smaller batch (main.py: drop_last=True).</summary>
    public static ClassFolderData OpenData(CasVitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ClassFolderData.Open(options.DataRoot, TrainTransforms(options), EvalTransforms(options.ImageSize),
            options.BatchSize, options.Workers, options.Seed, dropLast: true);
    }

    /// <summary>
    /// Creates the CAS-ViT for <paramref name="numClasses"/> classes without the distillation head (main.py:
    /// distillation=False), trained with soft-target cross-entropy because Mixup/CutMix turns labels into distributions.
    /// </summary>
    public static ImageClassifier CreateModel(CasVitOptions options, int numClasses)
    {
        ArgumentNullException.ThrowIfNull(options);
        torch.manual_seed((ulong)options.Seed);
        return ModelRegistry.Create(options.Model, new ModelOptions
        {
            NumClasses = numClasses,
            ImageSize = options.ImageSize,
            DropPathRate = options.DropPathRate,
            Loss = new SoftTargetCrossEntropy(),
        });
    }

    /// <summary>
    /// AdamW at the scaled lr; biases and every one-dimensional parameter (BatchNorm weights) without weight decay, as
    /// optim_factory.py's get_parameter_groups.
    /// </summary>
    public static Optimizer CreateOptimizer(Module<Tensor, Tensor> model, CasVitOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var rules = new ParamGroupRules { BiasDecayMult = 0, NormDecayMult = 0, FlatDecayMult = 0 };
        var groups = rules.Build(model.named_parameters().Select(p => (p.name, p.parameter)), options.LearningRate, options.WeightDecay);
        return new AdamW(groups, lr: options.LearningRate, weight_decay: options.WeightDecay);
    }

    /// <summary>Mixup/CutMix per batch into label-smoothed soft targets (timm's Mixup with the options' settings).</summary>
    public static Mixup CreateMixup(CasVitOptions options, int numClasses)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new Mixup(mixupAlpha: options.MixupAlpha, cutmixAlpha: options.CutmixAlpha, prob: options.MixupProb,
            switchProb: options.MixupSwitchProb, labelSmoothing: options.LabelSmoothing, numClasses: numClasses);
    }

    /// <summary>
    /// The trainer: per-iteration linear warm-up then cosine to the floor, gradient accumulation and clipping, bfloat16
    /// autocast (main.py: --use_amp True), Mixup/CutMix, an EMA of the weights (buffers included, as timm's ModelEma)
    /// that validation and test run on (--model_ema_eval True), a checkpoint per epoch keeping the newest and the best,
    /// and top-1/top-5 accuracy, loss, per-class precision/recall/F1 and the confusion matrix.
    /// </summary>
    /// <exception cref="ArgumentException">The warm-up does not end before the last epoch.</exception>
    public static Trainer CreateTrainer(ImageClassifier model, ClassFolderData data, CasVitOptions options)
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
                c => new CosineAnnealingLR(c.Optimizer, T_max: options.MaxEpochs - options.WarmupEpochs, eta_min: options.MinLearningRate,
                    begin: options.WarmupEpochs, end: options.MaxEpochs, epoch_length: c.StepsPerEpoch))
            .WithBatchAugment(CreateMixup(options, data.Classes.Count))
            .WithHooks(new EMAHook(options.EmaDecay, EmaDecay.Constant, validateWithEma: true, updateBuffers: true))
            .WithEvaluator(new Accuracy([1, 5]), new LossEvaluator(), new SingleLabelMetric(), new ConfusionMatrix())
            .WithOptions(o =>
            {
                o.MaxEpochs = options.MaxEpochs;
                o.AccumulateGradBatches = options.AccumulateGradBatches;
                o.ClipGrad.MaxNorm = options.ClipGradMaxNorm;
                o.Amp.Enabled = true;
                o.Checkpoint.Interval = 1;
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

    /// <summary>Trains on the dataset, evaluates the EMA weights on test/ (or val/) and draws the loss and accuracy curves.</summary>
    public static RecipeResult Run(CasVitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var data = OpenData(options);
        using var model = CreateModel(options, data.Classes.Count);
        using var trainer = CreateTrainer(model, data, options);
        return RecipeRun.FitTestAndPlot(trainer, data);
    }
}
