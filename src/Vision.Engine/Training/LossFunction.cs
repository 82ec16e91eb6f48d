namespace Vision.Engine.Training;

/// <summary>
/// The training objective: a scalar loss of float32 logits (N, classes) against int64 labels (N) or float soft
/// targets (N, classes) from a batch augment. The default is <c>F.cross_entropy</c>, which accepts both.
/// </summary>
/// <param name="logits">The model's output, float32.</param>
/// <param name="targets">Class indices or class probabilities.</param>
/// <returns>The mean loss over the batch, a zero-dimensional tensor.</returns>
public delegate Tensor LossFunction(Tensor logits, Tensor targets);
