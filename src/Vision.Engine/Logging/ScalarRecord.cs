namespace Vision.Engine.Logging;

/// <summary>One logged set of scalars: a training log interval, or the metrics of a validation or test pass.</summary>
/// <param name="Mode">"train", "val" or "test".</param>
/// <param name="Epoch">The epoch the scalars belong to, counted from 1.</param>
/// <param name="Iter">Training iterations completed when they were logged (TensorBoard's step).</param>
/// <param name="Scalars">The values by name ("loss", "lr", "accuracy/top1", …), in logging order.</param>
public sealed record ScalarRecord(string Mode, int Epoch, long Iter, IReadOnlyList<KeyValuePair<string, double>> Scalars);
