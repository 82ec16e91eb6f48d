namespace Vision.Engine.Evaluation;

/// <summary>The single-label metrics of one class, in percent as MMPreTrain reports them.</summary>
/// <param name="Precision">Of the samples predicted as the class, the share that belong to it; 0 when none was predicted as it.</param>
/// <param name="Recall">Of the samples of the class, the share predicted as it; 0 when the class has no samples.</param>
/// <param name="F1Score">The harmonic mean of precision and recall; 0 when both are 0.</param>
/// <param name="Support">The number of samples whose label is the class.</param>
public sealed record ClassMetrics(double Precision, double Recall, double F1Score, long Support);
