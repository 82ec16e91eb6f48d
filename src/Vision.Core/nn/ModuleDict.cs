using System.Collections;

namespace Vision.nn;

/// <summary>
/// Child modules by name, in insertion order (torch.nn.ModuleDict); the keys become the state-dict prefixes.
/// </summary>
/// <typeparam name="T">The type of the modules held.</typeparam>
public sealed class ModuleDict<T> : Module, IReadOnlyDictionary<string, T> where T : Module
{
    /// <summary>Creates the dictionary from (name, module) pairs.</summary>
    public ModuleDict(params IEnumerable<(string name, T module)> modules)
    {
        foreach (var (name, module) in modules)
        {
            register_module(name, module);
        }
    }

    /// <summary>The module named <paramref name="key"/>; setting adds it or replaces it in place.</summary>
    /// <exception cref="KeyNotFoundException">No module has that name.</exception>
    public T this[string key]
    {
        get => TryGetValue(key, out var module) ? module : throw new KeyNotFoundException($"ModuleDict has no module named '{key}'.");
        set => register_module(key, value);
    }

    /// <summary>The number of modules.</summary>
    public int Count => ChildCount;

    /// <summary>The names, in insertion order.</summary>
    public IEnumerable<string> Keys => this.Select(e => e.Key);

    /// <summary>The modules, in insertion order.</summary>
    public IEnumerable<T> Values => this.Select(e => e.Value);

    /// <summary>Whether a module is named <paramref name="key"/>.</summary>
    public bool ContainsKey(string key) => FindModule(key) is not null;

    /// <summary>The module named <paramref name="key"/>, if any.</summary>
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T value)
    {
        value = FindModule(key) as T;
        return value is not null;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, T>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            var (name, module) = GetChildAt(i);
            yield return new KeyValuePair<string, T>(name, (T)module);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
