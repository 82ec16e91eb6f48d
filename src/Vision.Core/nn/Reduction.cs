namespace Vision.nn;

/// <summary>How a loss reduces its per-element values; the values are libtorch's at::Reduction codes.</summary>
public enum Reduction
{
    /// <summary>No reduction: one loss per element.</summary>
    None = 0,
    /// <summary>The mean (for cross-entropy with weights, the weighted mean).</summary>
    Mean = 1,
    /// <summary>The sum.</summary>
    Sum = 2,
}
