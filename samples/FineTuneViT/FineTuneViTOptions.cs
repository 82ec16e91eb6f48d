using Vision.Engine.Optim;

namespace Vision.Samples.FineTuneViT;

/// <summary>
/// The settings of <see cref="FineTuneViTRecipe"/>. The defaults are MMPreTrain's ViT-B/32 fine-tuning recipe at
/// 384 px (configs/vision_transformer/vit-base-p32_ft-64xb64_in1k-384.py with its bases models/vit-base-p32.py and
/// schedules/imagenet_bs4096_AdamW.py), shortened to 100 epochs with a 10-epoch warm-up and run on one device with
/// 32 images per batch, the learning rate scaled down from the recipe's 4096 (64 GPUs × 64) by the linear rule.
/// </summary>
public sealed record FineTuneViTOptions
{
    /// <summary>The dataset folder with train/, val/ and optionally test/ class folders.</summary>
    public required string DataRoot { get; init; }

    /// <summary>Checkpoints, logs, the report and the curves go here.</summary>
    public string WorkDir { get; init; } = "work_dirs/vit-base-p32_ft-384";

    /// <summary>
    /// 224-px weights to start from (a PyTorch .pth or a safetensors file in MMPreTrain's, timm's or Vision's key layout), or null to train from
    /// scratch. The position embedding is resized to <see cref="ImageSize"/> and the classifier is skipped when its
    /// class count differs.
    /// </summary>
    public string? Pretrained { get; init; }

    /// <summary>The registered architecture; ViT-B/32.</summary>
    public string Model { get; init; } = "vit-base-p32";

    /// <summary>The training and evaluation resolution (the recipe's 384).</summary>
    public int ImageSize { get; init; } = 384;

    /// <summary>Dropout after the patch embedding (models/vit-base-p32.py: drop_rate=0.1).</summary>
    public double DropRate { get; init; } = 0.1;

    /// <summary>Images per batch on the one device.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The lr the schedule was tuned with (imagenet_bs4096_AdamW.py: lr=0.003) …</summary>
    public double BaseLearningRate { get; init; } = 0.003;

    /// <summary>… for this many images per optimizer step (auto_scale_lr base_batch_size=4096).</summary>
    public int BaseBatchSize { get; init; } = 4096;

    /// <summary>AdamW's decoupled weight decay (imagenet_bs4096_AdamW.py: weight_decay=0.3).</summary>
    public double WeightDecay { get; init; } = 0.3;

    /// <summary>The warm-up starts at this fraction of the lr (LinearLR start_factor=1e-4).</summary>
    public double WarmupStartFactor { get; init; } = 1e-4;

    /// <summary>Epochs of linear warm-up, applied per iteration (LinearLR end=10, convert_to_iter_based).</summary>
    public int WarmupEpochs { get; init; } = 10;

    /// <summary>Training length; after the warm-up the lr follows a cosine to 0 at this epoch.</summary>
    public int MaxEpochs { get; init; } = 100;

    /// <summary>Gradient norm clipping (vit-base-p32_ft config: clip_grad max_norm=1.0).</summary>
    public double ClipGradMaxNorm { get; init; } = 1.0;

    /// <summary>The first epoch after which validation runs.</summary>
    public int ValBegin { get; init; } = 20;

    /// <summary>Validate every this many epochs (and after the last).</summary>
    public int ValInterval { get; init; } = 5;

    /// <summary>Save a checkpoint every this many epochs.</summary>
    public int CheckpointInterval { get; init; } = 10;

    /// <summary>Periodic checkpoints kept (the best one is kept besides them).</summary>
    public int MaxKeepCheckpoints { get; init; } = 2;

    /// <summary>Seeds initialisation, dropout, shuffling and augmentation.</summary>
    public long Seed { get; init; } = 2023;

    /// <summary>Loader threads per split.</summary>
    public int Workers { get; init; } = 4;

    /// <summary>Training iterations between log records (default_runtime.py: LoggerHook interval=100).</summary>
    public int LogInterval { get; init; } = 100;

    /// <summary>"cpu", "cuda" or "cuda:N".</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>
    /// The lr of this run: <see cref="BaseLearningRate"/> × <see cref="BatchSize"/> / <see cref="BaseBatchSize"/>,
    /// 0.003 × 32 / 4096 with the defaults.
    /// </summary>
    public double LearningRate => AutoScaleLr.Scale(BaseLearningRate, BaseBatchSize, BatchSize);
}
