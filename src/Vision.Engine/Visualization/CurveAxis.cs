namespace Vision.Engine.Visualization;

/// <summary>What the x axis of a training curve counts.</summary>
public enum CurveAxis
{
    /// <summary>Epochs; training records inside an epoch sit at fractions of it (epoch 2, iteration 50 of 100 → 1.5).</summary>
    Epoch,

    /// <summary>Global training iterations, as logged.</summary>
    Iteration,
}
