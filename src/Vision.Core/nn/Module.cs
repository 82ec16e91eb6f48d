using System.Text;

namespace Vision.nn;

/// <summary>
/// The base of every layer and model, as torch.nn.Module: it owns parameters, buffers and child modules
/// registered by name, walks them with dotted names in PyTorch's order, switches train/eval mode, moves them
/// between devices and dtypes, and saves/loads them as a state dict with PyTorch's keys.
/// </summary>
/// <remarks>
/// <para>
/// Parameters are plain <see cref="Tensor"/>s (Tensor is sealed, so there is no Parameter subclass): a tensor
/// becomes a parameter by <see cref="register_parameter"/>, which makes it require gradients. Registration is
/// explicit (C# has no <c>__setattr__</c>); layers expose their tensors as properties that read the registry,
/// so a re-registered tensor is what <c>forward</c> uses.
/// </para>
/// <para>
/// Ownership: a module owns the tensors registered with it. They are taken out of every dispose scope (so a
/// training-step scope never frees them) and freed by <see cref="Dispose()"/>, which recurses into children.
/// Forward passes are defined by <see cref="Module{TIn, TOut}"/>; this base has none, so heads, backbones and
/// containers with other signatures derive from it too.
/// </para>
/// </remarks>
public abstract partial class Module : IDisposable
{
    private readonly OrderedDictionary<string, Tensor?> parameterSlots = [];
    private readonly OrderedDictionary<string, Tensor?> bufferSlots = [];
    private readonly HashSet<string> nonPersistentBuffers = [];
    private readonly OrderedDictionary<string, Module> childSlots = [];
    private bool disposed;

    /// <summary>Whether the module is in training mode (<see cref="train"/>) or evaluation mode (<see cref="eval"/>).</summary>
    public bool training { get; private set; } = true;

    // The class name as PyTorch prints it: without the generic arity suffix ("ModuleList", not "ModuleList`1").
    private string TypeName
    {
        get
        {
            var name = GetType().Name;
            var tick = name.IndexOf('`');
            return tick < 0 ? name : name[..tick];
        }
    }

    // ---- registration ---------------------------------------------------------------------------

    /// <summary>
    /// Registers <paramref name="param"/> as the parameter <paramref name="name"/> (replacing one of that name in
    /// place, as attribute assignment does in PyTorch). The module takes ownership: the tensor leaves every dispose
    /// scope and gets <c>requires_grad = <paramref name="requires_grad"/></c>. Null registers an absent parameter
    /// (e.g. <c>bias=False</c>) that is skipped by iteration and the state dict. A replaced tensor is not disposed,
    /// since it may be shared (tied weights); dispose it yourself if nothing else uses it.
    /// </summary>
    /// <exception cref="ArgumentException">The name is invalid or used by a buffer or child, or the tensor is not a leaf.</exception>
    public void register_parameter(string name, Tensor? param, bool requires_grad = true)
    {
        CheckName(name, parameterSlots);
        if (param is not null)
        {
            if (!param.is_leaf)
            {
                throw new ArgumentException(
                    $"Parameter '{name}' must be a leaf tensor, but it was computed from other tensors ({param.grad_fn_name}); register its detach() instead.",
                    nameof(param));
            }
            param.DetachFromDisposeScope();
            param.requires_grad = requires_grad;
        }
        parameterSlots[name] = param;
    }

    /// <summary>
    /// Registers <paramref name="tensor"/> as the buffer <paramref name="name"/>: state that is not trained, such as
    /// BatchNorm's running statistics. Persistent buffers are part of the state dict. The module takes ownership as
    /// for parameters; null registers an absent buffer.
    /// </summary>
    /// <exception cref="ArgumentException">The name is invalid or used by a parameter or child.</exception>
    public void register_buffer(string name, Tensor? tensor, bool persistent = true)
    {
        CheckName(name, bufferSlots);
        tensor?.DetachFromDisposeScope();
        bufferSlots[name] = tensor;
        if (persistent)
        {
            nonPersistentBuffers.Remove(name);
        }
        else
        {
            nonPersistentBuffers.Add(name);
        }
    }

    /// <summary>
    /// Registers <paramref name="module"/> as the child <paramref name="name"/> (replacing one of that name in place) and
    /// returns it, so fields read <c>conv1 = register_module("conv1", new Conv2d(…))</c>. A replaced child is not
    /// disposed, since it may be used elsewhere.
    /// </summary>
    /// <exception cref="ArgumentException">The name is invalid or used by a parameter or buffer.</exception>
    public T register_module<T>(string name, T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module, nameof(module));
        CheckName(name, childSlots);
        if (ReferenceEquals(module, this))
        {
            throw new ArgumentException($"A module cannot be its own child ('{name}').", nameof(module));
        }
        childSlots[name] = module;
        return module;
    }

    // Names are attribute names in PyTorch: non-empty, without dots, one kind of member per name.
    private void CheckName<T>(string name, OrderedDictionary<string, T> kind)
    {
        ArgumentNullException.ThrowIfNull(name, nameof(name));
        if (name.Length == 0 || name.Contains('.'))
        {
            throw new ArgumentException($"Member name '{name}' of {TypeName} must be non-empty and contain no '.'.", nameof(name));
        }
        var taken = (!ReferenceEquals(kind, parameterSlots) && parameterSlots.ContainsKey(name)) ? "parameter"
            : (!ReferenceEquals(kind, bufferSlots) && bufferSlots.ContainsKey(name)) ? "buffer"
            : (!ReferenceEquals(kind, childSlots) && childSlots.ContainsKey(name)) ? "child module"
            : null;
        if (taken is not null)
        {
            throw new ArgumentException($"{TypeName} already has a {taken} named '{name}'.", nameof(name));
        }
    }

    /// <summary>This module's own parameter <paramref name="name"/> (null if registered as absent).</summary>
    /// <exception cref="KeyNotFoundException">No parameter of that name was registered.</exception>
    protected Tensor? GetParameter(string name) =>
        parameterSlots.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"{TypeName} has no parameter '{name}'.");

    /// <summary>This module's own buffer <paramref name="name"/> (null if registered as absent).</summary>
    /// <exception cref="KeyNotFoundException">No buffer of that name was registered.</exception>
    protected Tensor? GetBuffer(string name) =>
        bufferSlots.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"{TypeName} has no buffer '{name}'.");

    /// <summary>This module's own child <paramref name="name"/>, or null.</summary>
    protected Module? FindModule(string name) => childSlots.TryGetValue(name, out var m) ? m : null;

    /// <summary>The direct child at <paramref name="index"/> in registration order, with its name (containers index them).</summary>
    protected (string name, Module module) GetChildAt(int index)
    {
        var (name, module) = childSlots.GetAt(index);
        return (name, module);
    }

    /// <summary>The number of registered direct children.</summary>
    protected int ChildCount => childSlots.Count;

    // ---- iteration ------------------------------------------------------------------------------

    /// <summary>Direct children with their names, in registration order.</summary>
    public IEnumerable<(string name, Module module)> named_children()
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        foreach (var (name, child) in childSlots)
        {
            if (seen.Add(child))
            {
                yield return (name, child);
            }
        }
    }

    /// <summary>Direct children in registration order.</summary>
    public IEnumerable<Module> children() => named_children().Select(c => c.module);

    /// <summary>
    /// This module (named <paramref name="prefix"/>) and all its descendants, depth first in registration order,
    /// with dotted names ("layer1.0.conv1"); a module reachable twice is listed once.
    /// </summary>
    public IEnumerable<(string name, Module module)> named_modules(string prefix = "") =>
        NamedModules(prefix, new HashSet<Module>(ReferenceEqualityComparer.Instance));

    private IEnumerable<(string, Module)> NamedModules(string prefix, HashSet<Module> seen)
    {
        if (!seen.Add(this))
        {
            yield break;
        }
        yield return (prefix, this);
        foreach (var (name, child) in childSlots)
        {
            foreach (var entry in child.NamedModules(Join(prefix, name), seen))
            {
                yield return entry;
            }
        }
    }

    /// <summary>This module and all its descendants (see <see cref="named_modules"/>).</summary>
    public IEnumerable<Module> modules() => named_modules().Select(m => m.module);

    /// <summary>
    /// Parameters with dotted names, module by module in <see cref="named_modules"/> order and in registration
    /// order within a module; absent ones are skipped and a tensor shared by several modules is listed once.
    /// </summary>
    public IEnumerable<(string name, Tensor parameter)> named_parameters(string prefix = "", bool recurse = true) =>
        NamedMembers(m => m.parameterSlots, prefix, recurse);

    /// <summary>Parameters (see <see cref="named_parameters"/>).</summary>
    public IEnumerable<Tensor> parameters(bool recurse = true) => named_parameters("", recurse).Select(p => p.parameter);

    /// <summary>Buffers with dotted names (persistent or not), in the order of <see cref="named_parameters"/>.</summary>
    public IEnumerable<(string name, Tensor buffer)> named_buffers(string prefix = "", bool recurse = true) =>
        NamedMembers(m => m.bufferSlots, prefix, recurse);

    /// <summary>Buffers (see <see cref="named_buffers"/>).</summary>
    public IEnumerable<Tensor> buffers(bool recurse = true) => named_buffers("", recurse).Select(b => b.buffer);

    private IEnumerable<(string, Tensor)> NamedMembers(Func<Module, OrderedDictionary<string, Tensor?>> members, string prefix, bool recurse)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        IEnumerable<(string, Module)> owners = recurse ? named_modules(prefix) : [(prefix, this)];
        foreach (var (modulePrefix, module) in owners)
        {
            foreach (var (name, tensor) in members(module))
            {
                if (tensor is not null && seen.Add(tensor))
                {
                    yield return (Join(modulePrefix, name), tensor);
                }
            }
        }
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    // ---- modes and bulk operations --------------------------------------------------------------

    /// <summary>Sets training mode (true) or evaluation mode (false) on this module and every descendant; returns this module.</summary>
    public virtual Module train(bool mode = true)
    {
        training = mode;
        foreach (var child in children())
        {
            child.train(mode);
        }
        return this;
    }

    /// <summary>Evaluation mode: <c>train(false)</c>.</summary>
    public Module eval() => train(false);

    /// <summary>Calls <paramref name="fn"/> on every descendant (children first, depth first) and then on this module, as PyTorch's <c>apply</c> (e.g. custom initialisation); returns this module.</summary>
    public Module apply(Action<Module> fn)
    {
        foreach (var child in children())
        {
            child.apply(fn);
        }
        fn(this);
        return this;
    }

    /// <summary>Sets <c>requires_grad</c> on every parameter: false freezes the module (no gradients are computed for it); returns this module.</summary>
    public Module requires_grad_(bool requires_grad = true)
    {
        foreach (var p in parameters())
        {
            p.requires_grad = requires_grad;
        }
        return this;
    }

    /// <summary>
    /// Clears the gradients of every parameter: drops them (<paramref name="set_to_none"/>, PyTorch's default, which
    /// frees their memory) or zeros them in place.
    /// </summary>
    public void zero_grad(bool set_to_none = true) => utils.zero_grad_(parameters(), set_to_none);

    /// <summary>
    /// Moves every parameter and buffer to <paramref name="device"/> in place: the tensors keep their identity (as
    /// <c>param.data = param.data.to(device)</c> in PyTorch), so references held elsewhere stay valid; gradients move
    /// too. Returns this module.
    /// </summary>
    public Module to(Device device) => Convert(device, null);

    /// <summary>
    /// Converts every floating-point parameter and buffer (and gradient) to <paramref name="dtype"/> in place, keeping
    /// tensor identity; integer buffers such as <c>num_batches_tracked</c> are left alone. Returns this module.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not a floating-point type.</exception>
    public Module to(ScalarType dtype) => Convert(null, dtype);

    /// <summary>Moves to <paramref name="device"/> and converts floating-point tensors to <paramref name="dtype"/> in one pass; returns this module.</summary>
    public Module to(Device device, ScalarType dtype) => Convert(device, dtype);

    /// <summary>Moves to the host: <c>to(Device.CPU)</c>.</summary>
    public Module cpu() => to(Device.CPU);

    /// <summary>Moves to a CUDA device: <c>to(Device.CUDA(index))</c>.</summary>
    public Module cuda(int index = 0) => to(Device.CUDA(index));

    /// <summary>
    /// Re-lays every 4-d parameter and buffer (and gradient) out in <paramref name="memory_format"/> in place, keeping
    /// tensor identity, as <c>model.to(memory_format=torch.channels_last)</c>: convolution weights in
    /// <see cref="MemoryFormat.ChannelsLast"/> let oneDNN and cuDNN skip layout conversions when the inputs are
    /// channels-last too. Other tensors are left alone. Returns this module.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="memory_format"/> is <see cref="MemoryFormat.Preserve"/>, which names no layout.</exception>
    public Module to(MemoryFormat memory_format)
    {
        if (memory_format == MemoryFormat.Preserve)
        {
            throw new ArgumentException("Module.to needs a layout (Contiguous or ChannelsLast), not Preserve.", nameof(memory_format));
        }
        using var noGrad = torch.no_grad();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var module in modules())
        {
            foreach (var tensor in module.parameterSlots.Values.Concat(module.bufferSlots.Values))
            {
                if (tensor is null || !seen.Add(tensor) || tensor.dim() != 4)
                {
                    continue;
                }
                Relayout(tensor, memory_format);
                using var grad = tensor.grad;
                if (grad is not null)
                {
                    Relayout(grad, memory_format);
                }
            }
        }
        return this;
    }

    private static void Relayout(Tensor tensor, MemoryFormat format)
    {
        if (tensor.is_contiguous(format))
        {
            return;
        }
        using var relaid = tensor.contiguous(format);
        tensor.set_data(relaid);
    }

    private Module Convert(Device? device, ScalarType? dtype)
    {
        if (dtype is { } d && !IsFloating(d))
        {
            throw new ArgumentException($"Module.to only converts to floating-point types, got {d}.", nameof(dtype));
        }
        using var noGrad = torch.no_grad();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var module in modules())
        {
            foreach (var tensor in module.parameterSlots.Values.Concat(module.bufferSlots.Values))
            {
                if (tensor is null || !seen.Add(tensor))
                {
                    continue;
                }
                ConvertInPlace(tensor, device, dtype);
                using var grad = tensor.grad;
                if (grad is not null)
                {
                    ConvertInPlace(grad, device, dtype);
                }
            }
        }
        return this;
    }

    private static void ConvertInPlace(Tensor tensor, Device? device, ScalarType? dtype)
    {
        var currentType = tensor.dtype;
        var targetType = dtype is { } d && IsFloating(currentType) ? d : currentType;
        var targetDevice = device ?? tensor.device;
        if (targetType == currentType && targetDevice == tensor.device)
        {
            return;
        }
        using var converted = tensor.to(targetDevice, targetType);
        tensor.set_data(converted);
    }

    private static bool IsFloating(ScalarType t) =>
        t is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64;

    // ---- printing -------------------------------------------------------------------------------

    /// <summary>The layer's settings for <see cref="ToString"/>, as PyTorch's <c>extra_repr</c> (e.g. "in_features=4, out_features=2, bias=True").</summary>
    public virtual string extra_repr() => "";

    /// <summary>The module tree in PyTorch's <c>print(model)</c> layout: the class name, its settings and each child as "(name): …".</summary>
    public override string ToString()
    {
        var extra = extra_repr();
        var lines = extra.Length == 0 ? new List<string>() : [.. extra.Split('\n')];
        var extraCount = lines.Count;
        foreach (var (name, child) in childSlots)
        {
            lines.Add($"({name}): " + child.ToString().Replace("\n", "\n  ", StringComparison.Ordinal));
        }
        var text = new StringBuilder(TypeName).Append('(');
        if (extraCount == 1 && lines.Count == 1)
        {
            text.Append(lines[0]);
        }
        else if (lines.Count > 0)
        {
            text.Append("\n  ").AppendJoin("\n  ", lines).Append('\n');
        }
        return text.Append(')').ToString();
    }

    // ---- lifetime -------------------------------------------------------------------------------

    /// <summary>Frees the parameters and buffers of this module and of every descendant. Safe to call twice.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees owned tensors and children; override to free other native resources a module holds (call the base).</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposed || !disposing)
        {
            return;
        }
        disposed = true;
        foreach (var tensor in parameterSlots.Values.Concat(bufferSlots.Values))
        {
            tensor?.Dispose();
        }
        foreach (var child in childSlots.Values)
        {
            child.Dispose();
        }
    }
}
