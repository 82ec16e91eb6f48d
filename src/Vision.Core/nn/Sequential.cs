using System.Collections;

namespace Vision.nn;

/// <summary>
/// Runs its modules one after another (torch.nn.Sequential). Children are named "0", "1", … or by the names
/// given, which become the state-dict prefixes. The forward pass runs in its own dispose scope and frees the
/// intermediate results' handles on return (autograd keeps what backward needs), so inference without a scope does
/// not pile up tensors; a module that keeps an intermediate tensor for later must take it out of the scope
/// (<c>DetachFromDisposeScope</c>).
/// </summary>
public sealed class Sequential : Module<Tensor, Tensor>, IReadOnlyList<Module<Tensor, Tensor>>
{
    /// <summary>Creates the container with children named "0", "1", ….</summary>
    public Sequential(params IEnumerable<Module<Tensor, Tensor>> modules)
    {
        foreach (var module in modules)
        {
            append(module);
        }
    }

    /// <summary>Creates the container with named children (PyTorch's <c>Sequential(OrderedDict(...))</c>).</summary>
    public Sequential(IEnumerable<(string name, Module<Tensor, Tensor> module)> modules)
    {
        foreach (var (name, module) in modules)
        {
            register_module(name, module);
        }
    }

    /// <summary>Adds <paramref name="module"/> at the end, named by its position; returns this container.</summary>
    public Sequential append(Module<Tensor, Tensor> module)
    {
        register_module(ChildCount.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        return this;
    }

    /// <summary>The number of modules.</summary>
    public int Count => ChildCount;

    /// <summary>The module at <paramref name="index"/> (<c>^1</c> is the last).</summary>
    public Module<Tensor, Tensor> this[int index] => (Module<Tensor, Tensor>)GetChildAt(index).module;

    /// <inheritdoc />
    public IEnumerator<Module<Tensor, Tensor>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = input;
        foreach (var module in this)
        {
            x = module.forward(x);
        }
        // The caller always gets its own handle, even when every module passed the input through.
        return (ReferenceEquals(x, input) ? input.alias() : x).MoveToOuterDisposeScope();
    }
}
