using System.Diagnostics.CodeAnalysis;

namespace Vision.Engine.Logging;

/// <summary>
/// Where hooks leave scalars and runtime facts for each other (MMEngine's <c>MessageHub</c>): the trainer records
/// "train/loss" and "train/lr", the <see cref="Hooks.IterTimerHook"/> "train/time" (keys in <see cref="MessageHubKeys"/>), the evaluators' metrics go in
/// as "val/{name}", and the <see cref="Hooks.LoggerHook"/> reads them to log. Runtime info holds non-scalar facts
/// such as the ETA.
/// </summary>
public sealed class MessageHub
{
    private readonly Dictionary<string, ScalarHistory> scalars = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object> info = new(StringComparer.Ordinal);

    /// <summary>The scalar histories by key.</summary>
    public IReadOnlyDictionary<string, ScalarHistory> Scalars => scalars;

    /// <summary>Records a value of scalar <paramref name="key"/> (a mean over <paramref name="count"/> items).</summary>
    public void UpdateScalar(string key, double value, int count = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (!scalars.TryGetValue(key, out var history))
        {
            history = new ScalarHistory();
            scalars[key] = history;
        }
        history.Update(value, count);
    }

    /// <summary>The history of scalar <paramref name="key"/>, if any value was recorded.</summary>
    public bool TryGetScalar(string key, [MaybeNullWhen(false)] out ScalarHistory history) => scalars.TryGetValue(key, out history);

    /// <summary>Sets the runtime fact <paramref name="key"/>.</summary>
    public void SetInfo(string key, object value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        info[key] = value;
    }

    /// <summary>The runtime fact <paramref name="key"/> when set and of type <typeparamref name="T"/>.</summary>
    public bool TryGetInfo<T>(string key, [MaybeNullWhen(false)] out T value)
    {
        if (info.TryGetValue(key, out var stored) && stored is T typed)
        {
            value = typed;
            return true;
        }
        value = default;
        return false;
    }
}
