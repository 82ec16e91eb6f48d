namespace Vision.Engine.Checkpoints;

/// <summary>How <see cref="WeightLoader"/> treats weights that do not fit the model exactly.</summary>
public enum WeightLoadPolicy
{
    /// <summary>Every model tensor must come from the source with its exact shape, and the source may hold no other tensor.</summary>
    Strict,

    /// <summary>Load the tensors whose name and shape match; skip (and report) the rest, which keep their values.</summary>
    SkipMismatched,

    /// <summary>
    /// timm's fine-tuning rules: names must match, but a position embedding of another grid is resized and a
    /// classifier of another class count keeps its initialisation (head swap); any other mismatch is an error.
    /// </summary>
    Adapt,
}
