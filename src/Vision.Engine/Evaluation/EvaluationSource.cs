namespace Vision.Engine.Evaluation;

/// <summary>What an evaluation report evaluated, so a report read later says which weights and data its numbers belong to.</summary>
/// <param name="Checkpoint">The checkpoint or weights file loaded before the pass, or null when the model's current weights were used.</param>
/// <param name="Config">Where the configuration came from (a file, or the checkpoint that stored it), or null when the run was built in code.</param>
/// <param name="Weights">Which weights ran: <c>"EMA"</c> (an <see cref="Hooks.EMAHook"/> swapped its averages in) or <c>"raw"</c>.</param>
/// <param name="Dataset">The dataset: its type and, for an image folder, its root.</param>
/// <param name="Samples">How many samples the dataset has.</param>
public sealed record EvaluationSource(string? Checkpoint, string? Config, string Weights, string Dataset, long Samples);
