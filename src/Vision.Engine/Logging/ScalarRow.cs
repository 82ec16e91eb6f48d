namespace Vision.Engine.Logging;

/// <summary>One row of <c>scalars.csv</c> (<see cref="CsvScalarWriter"/>): a scalar's value in one record.</summary>
/// <param name="Mode">"train", "val" or "test".</param>
/// <param name="Epoch">The 1-based epoch of the record.</param>
/// <param name="Iter">The 1-based global training iteration of the record.</param>
/// <param name="Name">The scalar's name, e.g. "loss" or "accuracy/top1".</param>
/// <param name="Value">The value.</param>
public sealed record ScalarRow(string Mode, int Epoch, long Iter, string Name, double Value);
