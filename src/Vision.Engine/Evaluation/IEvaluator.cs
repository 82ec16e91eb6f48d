namespace Vision.Engine.Evaluation;

/// <summary>Accumulates predictions over an evaluation run and computes named metrics (MMEngine's Evaluator/BaseMetric).</summary>
public interface IEvaluator
{
    /// <summary>Starts a new run.</summary>
    void Reset();

    /// <summary>Adds a batch of logits (N, C) and int64 labels (N).</summary>
    void Process(Tensor logits, Tensor targets);

    /// <summary>The metrics of the run so far, by name.</summary>
    IReadOnlyDictionary<string, double> Compute();
}
