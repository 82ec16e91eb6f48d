namespace Vision.Data.BatchAugments;

/// <summary>How <see cref="Mixup"/> draws its mixing parameters (timm's mode).</summary>
public enum MixupMode
{
    /// <summary>One lambda (and one CutMix box) for the whole batch ('batch').</summary>
    Batch,

    /// <summary>One lambda per pair of samples that are mixed with each other ('pair').</summary>
    Pair,

    /// <summary>One lambda per sample ('elem').</summary>
    Elem,
}
