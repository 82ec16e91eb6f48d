namespace Vision.Engine.Evolve;

/// <summary>How YOLOv5's evolution picks the parent among the best results so far (<c>evolve.parent</c>).</summary>
public enum ParentSelection
{
    /// <summary>One of the top results, drawn with probability proportional to its weight (YOLOv5's default).</summary>
    Single,

    /// <summary>The weight-averaged hyperparameters of the top results.</summary>
    Weighted,
}
