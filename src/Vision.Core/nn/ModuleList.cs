using System.Collections;
using System.Globalization;

namespace Vision.nn;

/// <summary>
/// An indexed list of child modules (torch.nn.ModuleList) named "0", "1", …, for blocks a parent runs in its own
/// forward. <typeparamref name="T"/> keeps the items typed, e.g. <c>ModuleList&lt;Module&lt;Tensor, Tensor&gt;&gt;</c>.
/// </summary>
/// <typeparam name="T">The type of the modules held.</typeparam>
public sealed class ModuleList<T> : Module, IReadOnlyList<T> where T : Module
{
    /// <summary>Creates the list from <paramref name="modules"/>.</summary>
    public ModuleList(params IEnumerable<T> modules) => extend(modules);

    /// <summary>Adds <paramref name="module"/> at the end; returns this list.</summary>
    public ModuleList<T> append(T module)
    {
        register_module(Count.ToString(CultureInfo.InvariantCulture), module);
        return this;
    }

    /// <summary>Adds <paramref name="modules"/> at the end; returns this list.</summary>
    public ModuleList<T> extend(IEnumerable<T> modules)
    {
        foreach (var module in modules)
        {
            append(module);
        }
        return this;
    }

    /// <summary>The number of modules.</summary>
    public int Count => ChildCount;

    /// <summary>The module at <paramref name="index"/> (<c>^1</c> is the last); setting replaces it under the same name.</summary>
    public T this[int index]
    {
        get => (T)GetChildAt(index).module;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            register_module(index.ToString(CultureInfo.InvariantCulture), value);
        }
    }

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
