using System.Text.Json.Serialization;

namespace Vision.Engine.Inference;

/// <summary>
/// The prediction for one image, with the fields of MMPreTrain's ImageClassificationInferencer output (the JSON
/// names are MMPreTrain's).
/// </summary>
public sealed record ClassificationResult
{
    /// <summary>The softmax probability of every class (they sum to 1).</summary>
    [JsonPropertyName("pred_scores")]
    public required IReadOnlyList<float> PredScores { get; init; }

    /// <summary>The most probable class (the first of equal maxima).</summary>
    [JsonPropertyName("pred_label")]
    public required int PredLabel { get; init; }

    /// <summary>The probability of <see cref="PredLabel"/>.</summary>
    [JsonPropertyName("pred_score")]
    public required float PredScore { get; init; }

    /// <summary>The name of <see cref="PredLabel"/>, or null when the inferencer has no class names.</summary>
    [JsonPropertyName("pred_class")]
    public string? PredClass { get; init; }

    /// <summary>The image file, or null for an image given in memory.</summary>
    [JsonPropertyName("img_path")]
    public string? ImagePath { get; init; }
}
