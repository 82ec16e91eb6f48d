namespace Vision.Engine.Evolve;

/// <summary>How each generation's candidate is proposed (<c>evolve.strategy</c>).</summary>
public enum SearchStrategy
{
    /// <summary>YOLOv5's genetic search: select a parent from the best results and mutate it.</summary>
    Evolve,

    /// <summary>Random search: every hyperparameter with a positive gain drawn uniformly within its bounds (the baseline evolution is compared with).</summary>
    Random,
}
