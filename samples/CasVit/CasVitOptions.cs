using Vision.Engine.Optim;

namespace Vision.Samples.CasVit;

/// <summary>
/// The settings of <see cref="CasVitRecipe"/>. The defaults are the CAS-ViT training recipe: the official script's
/// defaults (Tianfang-Zhang/CAS-ViT, classification/main.py, cited below as "main.py") with the options its README
/// trains with (model EMA evaluated, AMP), plus what this project's seed recipe adds: Cutout, Mixup/CutMix and
/// gradient clipping.
/// </summary>
public sealed record CasVitOptions
{
    /// <summary>The dataset folder with train/, val/ and optionally test/ class folders.</summary>
    public required string DataRoot { get; init; }

    /// <summary>Checkpoints, logs, the report and the curves go here.</summary>
    public string WorkDir { get; init; } = "work_dirs/cas-vit-xs";

    /// <summary>The registered architecture (main.py: --model rcvit_xs).</summary>
    public string Model { get; init; } = "cas-vit-xs";

    /// <summary>Training resolution (main.py: --input_size 224).</summary>
    public int ImageSize { get; init; } = 224;

    /// <summary>Stochastic depth rate, growing linearly with the block index (main.py: --drop_path 0.1).</summary>
    public double DropPathRate { get; init; } = 0.1;

    /// <summary>Images per batch (main.py: --batch_size 256 per GPU).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Batches summed into one optimizer step (main.py: --update_freq 2).</summary>
    public int AccumulateGradBatches { get; init; } = 2;

    /// <summary>The peak lr (main.py: --lr 6e-3) …</summary>
    public double BaseLearningRate { get; init; } = 6e-3;

    /// <summary>… for this many images per optimizer step (main.py's help: "with total batch size 4096").</summary>
    public int BaseBatchSize { get; init; } = 4096;

    /// <summary>AdamW's decoupled weight decay on weights of rank ≥ 2 (main.py: --weight_decay 0.05; optim_factory.py leaves 1-d parameters and biases undecayed).</summary>
    public double WeightDecay { get; init; } = 0.05;

    /// <summary>Epochs of per-iteration linear warm-up (main.py: --warmup_epochs 20).</summary>
    public int WarmupEpochs { get; init; } = 20;

    /// <summary>
    /// Where the warm-up starts, as a fraction of the peak lr. main.py starts at 0 (--warmup_start_lr 0); LinearLR needs
    /// a positive factor, and one millionth of the peak is 0 for every practical purpose.
    /// </summary>
    public double WarmupStartFactor { get; init; } = 1e-6;

    /// <summary>Training length; after the warm-up the lr follows a per-iteration cosine to <see cref="MinLearningRate"/> (main.py: --epochs 300).</summary>
    public int MaxEpochs { get; init; } = 300;

    /// <summary>The cosine's floor (main.py: --min_lr 1e-6).</summary>
    public double MinLearningRate { get; init; } = 1e-6;

    /// <summary>RandAugment in timm's notation (main.py: --aa rand-m9-mstd0.5-inc1).</summary>
    public string RandAugment { get; init; } = "rand-m9-mstd0.5-inc1";

    /// <summary>Cutout holes per training image (the seed recipe's Cutout; one hole as DeVries and Taylor).</summary>
    public int CutoutHoles { get; init; } = 1;

    /// <summary>Cutout hole side as a fraction of the image side (DeVries and Taylor's CIFAR-10 setting: 16 px of 32).</summary>
    public double CutoutFraction { get; init; } = 0.5;

    /// <summary>Mixup's Beta parameter (seed recipe: 0.8).</summary>
    public double MixupAlpha { get; init; } = 0.8;

    /// <summary>CutMix's Beta parameter (seed recipe: 1.0).</summary>
    public double CutmixAlpha { get; init; } = 1.0;

    /// <summary>Chance that a batch is mixed at all (seed recipe: 0.1).</summary>
    public double MixupProb { get; init; } = 0.1;

    /// <summary>Chance that a mixed batch uses CutMix rather than Mixup (seed recipe and main.py --mixup_switch_prob: 0.5).</summary>
    public double MixupSwitchProb { get; init; } = 0.5;

    /// <summary>Label smoothing folded into the soft targets (main.py: --smoothing 0.1).</summary>
    public double LabelSmoothing { get; init; } = 0.1;

    /// <summary>The EMA's constant decay per optimizer step (main.py: --model_ema_decay 0.9995).</summary>
    public double EmaDecay { get; init; } = 0.9995;

    /// <summary>
    /// Gradient norm clipping. main.py clips nothing by default (--clip_grad None); the seed recipe asks for clipping,
    /// and 5.0 is the max norm of the Swin Transformer recipe, the usual value for AdamW-trained vision transformers.
    /// </summary>
    public double ClipGradMaxNorm { get; init; } = 5.0;

    /// <summary>Keep this many periodic checkpoints (main.py: --save_ckpt_num 3), one per epoch (--save_ckpt_freq 1).</summary>
    public int MaxKeepCheckpoints { get; init; } = 3;

    /// <summary>Seeds initialisation, dropout, shuffling and augmentation (main.py: --seed 43).</summary>
    public long Seed { get; init; } = 43;

    /// <summary>Loader threads per split (main.py: --num_workers 10).</summary>
    public int Workers { get; init; } = 10;

    /// <summary>Training iterations between log records.</summary>
    public int LogInterval { get; init; } = 10;

    /// <summary>"cpu", "cuda" or "cuda:N".</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Images per optimizer step: <see cref="BatchSize"/> × <see cref="AccumulateGradBatches"/>.</summary>
    public int StepBatchSize => BatchSize * AccumulateGradBatches;

    /// <summary>The lr of this run: <see cref="BaseLearningRate"/> × <see cref="StepBatchSize"/> / <see cref="BaseBatchSize"/> (linear scaling).</summary>
    public double LearningRate => AutoScaleLr.Scale(BaseLearningRate, BaseBatchSize, StepBatchSize);
}
