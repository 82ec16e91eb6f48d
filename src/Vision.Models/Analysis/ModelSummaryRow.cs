namespace Vision.Models.Analysis;

/// <summary>One module's line in a <see cref="ModelSummary"/>.</summary>
/// <param name="Name">Dotted module name ("backbone.layer1"); "" for the whole model.</param>
/// <param name="Type">The module's class name.</param>
/// <param name="Depth">Nesting depth (0 for the model, 1 for its children, …).</param>
/// <param name="Parameters">Parameter elements in the module and its descendants.</param>
/// <param name="TrainableParameters">Those of <paramref name="Parameters"/> that require gradients.</param>
/// <param name="Macs">Multiply-accumulates of one forward pass of the summary's input in the module and its descendants.</param>
public sealed record ModelSummaryRow(string Name, string Type, int Depth, long Parameters, long TrainableParameters, long Macs);
