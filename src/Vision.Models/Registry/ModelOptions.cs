using System.Collections.Concurrent;
using System.Globalization;

namespace Vision.Models.Registry;

/// <summary>
/// What a model factory builds from: the settings every architecture understands, plus <see cref="Overrides"/> for
/// architecture-specific ones (e.g. <c>frozen_stages</c>, <c>out_indices</c>, <c>hidden_dim</c>), given as strings so
/// configuration files and command lines bind directly (numbers in invariant culture, lists comma-separated).
/// </summary>
/// <remarks>
/// Factories read overrides through <see cref="GetString"/>, <see cref="GetDouble"/>, <see cref="GetInt"/>,
/// <see cref="GetBool"/> and <see cref="GetInts"/>; <see cref="ModelRegistry.Create(string, ModelOptions)"/> then
/// rejects any override the factory never read, so a misspelt setting fails loudly instead of being ignored.
/// </remarks>
public sealed class ModelOptions
{
    // Keys the factory has read; the registry compares them with the overrides given.
    private readonly ConcurrentDictionary<string, bool> readKeys = new(StringComparer.Ordinal);

    /// <summary>Number of classes of the head (default 1000, ImageNet).</summary>
    public long NumClasses { get; init; } = 1000;

    /// <summary>Input image size in pixels (square); architectures with position embeddings size them from it.</summary>
    public long ImageSize { get; init; } = 224;

    /// <summary>Stochastic-depth rate (drop path), where the architecture supports it.</summary>
    public double DropPathRate { get; init; }

    /// <summary>Dropout rate (before the classifier for CNNs; the architecture's own places for transformers).</summary>
    public double DropRate { get; init; }

    /// <summary>
    /// The classifier's training loss (e.g. <c>new CrossEntropyLoss(label_smoothing: 0.1)</c> or
    /// <see cref="Losses.SoftTargetCrossEntropy"/>); null = plain cross-entropy.
    /// </summary>
    public Losses.ClsLoss? Loss { get; init; }

    /// <summary>Architecture-specific settings by name.</summary>
    public IReadOnlyDictionary<string, string> Overrides { get; init; } = new Dictionary<string, string>();

    /// <summary>The override <paramref name="key"/>, or null when not given.</summary>
    public string? GetString(string key)
    {
        readKeys[key] = true;
        return Overrides.TryGetValue(key, out var value) ? value : null;
    }

    /// <summary>The override <paramref name="key"/> as a number, or <paramref name="fallback"/> when not given.</summary>
    /// <exception cref="ArgumentException">The value is not a number.</exception>
    public double GetDouble(string key, double fallback) =>
        GetString(key) is { } text
            ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : throw Bad(key, text, "a number")
            : fallback;

    /// <summary>The override <paramref name="key"/> as an integer, or <paramref name="fallback"/> when not given.</summary>
    /// <exception cref="ArgumentException">The value is not an integer.</exception>
    public long GetInt(string key, long fallback) =>
        GetString(key) is { } text
            ? long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw Bad(key, text, "an integer")
            : fallback;

    /// <summary>The override <paramref name="key"/> as a boolean ("true"/"false", any case), or <paramref name="fallback"/> when not given.</summary>
    /// <exception cref="ArgumentException">The value is not a boolean.</exception>
    public bool GetBool(string key, bool fallback) =>
        GetString(key) is { } text
            ? bool.TryParse(text, out var value) ? value : throw Bad(key, text, "true or false")
            : fallback;

    /// <summary>The override <paramref name="key"/> as a comma-separated list of integers (e.g. "0,1,2,3"), or null when not given.</summary>
    /// <exception cref="ArgumentException">An entry is not an integer.</exception>
    public IReadOnlyList<int>? GetInts(string key) =>
        GetString(key) is { } text
            ? text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(part => int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw Bad(key, text, "a comma-separated list of integers"))
                .ToArray()
            : null;

    /// <summary>A copy with the same settings and nothing read yet, so one options object can configure several models.</summary>
    internal ModelOptions Fresh() => new()
    {
        NumClasses = NumClasses,
        ImageSize = ImageSize,
        DropPathRate = DropPathRate,
        DropRate = DropRate,
        Loss = Loss,
        Overrides = Overrides,
    };

    /// <summary>Overrides the factory did not read.</summary>
    internal IEnumerable<string> UnreadOverrides => Overrides.Keys.Where(k => !readKeys.ContainsKey(k)).Order(StringComparer.Ordinal);

    /// <summary>The keys the factory read (what it would have accepted).</summary>
    internal IEnumerable<string> ReadKeys => readKeys.Keys.Order(StringComparer.Ordinal);

    /// <summary>Checks the common settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    internal void Validate()
    {
        if (NumClasses <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(NumClasses), NumClasses, "NumClasses must be positive.");
        }
        if (ImageSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ImageSize), ImageSize, "ImageSize must be positive.");
        }
        if (DropPathRate is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(DropPathRate), DropPathRate, "DropPathRate must be in [0, 1).");
        }
        if (DropRate is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(DropRate), DropRate, "DropRate must be in [0, 1).");
        }
    }

    private static ArgumentException Bad(string key, string text, string expected) =>
        new($"Model override '{key}' must be {expected}, got '{text}'.", key);
}
