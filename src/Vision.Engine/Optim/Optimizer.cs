namespace Vision.Engine.Optim;

/// <summary>
/// Base class of the optimizers, shaped like <c>torch.optim.Optimizer</c>: parameters are organised in
/// <see cref="param_groups"/> whose hyper-parameters schedulers may change between steps, each parameter has a
/// <see cref="ParamState"/> owned by the optimizer, and <see cref="state_dict"/> / <see cref="load_state_dict"/>
/// save and restore both.
/// <para>
/// <see cref="step"/> runs the update under <c>torch.no_grad()</c> inside its own dispose scope, so the update's
/// temporaries are freed when it returns; state buffers are detached from scopes and freed by <see cref="Dispose"/>.
/// </para>
/// A subclass supplies its defaults, a validation of a group's hyper-parameters, and <see cref="update"/>.
/// </summary>
public abstract class Optimizer : IDisposable
{
    private readonly List<ParamGroup> groups = [];
    private readonly Dictionary<Tensor, ParamState> states = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<Tensor> known = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, double> defaultOptions;
    private readonly Action<ParamGroup> validate;
    private readonly string momentumKey;

    /// <summary>
    /// Sets up the groups. <paramref name="validate"/> checks one group's hyper-parameters and throws
    /// <see cref="ArgumentException"/> naming the option and value; it runs on the defaults, on every group and on
    /// loaded state. <paramref name="momentum_key"/> is the hyper-parameter that <c>group["momentum"]</c> means.
    /// </summary>
    protected Optimizer(IEnumerable<ParamGroup> param_groups, IReadOnlyDictionary<string, double> defaults,
        Action<ParamGroup> validate, string momentum_key = "momentum")
    {
        ArgumentNullException.ThrowIfNull(param_groups);
        defaultOptions = new Dictionary<string, double>(defaults);
        this.validate = validate;
        momentumKey = momentum_key;
        var probe = new ParamGroup([]);
        probe.Adopt(this, defaultOptions, momentumKey);
        validate(probe);
        foreach (var group in param_groups)
        {
            add_param_group(group);
        }
        if (known.Count == 0)
        {
            throw new ArgumentException("The optimizer got an empty parameter list.");
        }
    }

    /// <summary>The parameter groups, in order.</summary>
    public IReadOnlyList<ParamGroup> param_groups => groups;

    /// <summary>The hyper-parameters a group gets when it does not set them.</summary>
    public IReadOnlyDictionary<string, double> defaults => defaultOptions;

    /// <summary>The per-parameter state (PyTorch's <c>optimizer.state</c>); a parameter has one after its first update.</summary>
    public IReadOnlyDictionary<Tensor, ParamState> state => states;

    /// <summary>
    /// Adds a group: missing hyper-parameters come from <see cref="defaults"/>. Throws when a parameter is not a
    /// leaf tensor or already belongs to a group of this optimizer, or a hyper-parameter is invalid.
    /// </summary>
    public void add_param_group(ParamGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var index = groups.Count;
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var p in group.@params)
        {
            if (!p.is_leaf)
            {
                throw new ArgumentException($"param group {index}: cannot optimize a non-leaf tensor (one produced by an op); pass the parameter itself.");
            }
            if (known.Contains(p) || !seen.Add(p))
            {
                throw new ArgumentException($"param group {index}: a parameter appears more than once among the param groups.");
            }
        }
        group.Adopt(this, defaultOptions, momentumKey);
        try
        {
            validate(group);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"param group {index}: {e.Message}", e);
        }
        known.UnionWith(seen);
        groups.Add(group);
    }

    /// <summary>
    /// Clears the gradients of every parameter: with <paramref name="set_to_none"/> (the default, as in PyTorch 2)
    /// the gradient is dropped, which saves memory and a kernel; otherwise it is zeroed in place.
    /// </summary>
    public void zero_grad(bool set_to_none = true) => Vision.nn.utils.zero_grad_(groups.SelectMany(g => g.@params), set_to_none);

    /// <summary>Performs one optimization step on every parameter that has a gradient.</summary>
    public void step()
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var batches = new List<ParamGroupGrads>(groups.Count);
        foreach (var group in groups)
        {
            var ps = new List<Tensor>();
            var grads = new List<Tensor>();
            var st = new List<ParamState>();
            foreach (var p in group.@params)
            {
                if (p.grad is not { } g)
                {
                    continue;
                }
                ps.Add(p);
                grads.Add(g);
                if (!states.TryGetValue(p, out var s))
                {
                    s = new ParamState();
                    states[p] = s;
                }
                st.Add(s);
            }
            batches.Add(new ParamGroupGrads(group, ps, grads, st));
        }
        update(batches);
    }

    /// <summary>
    /// Applies one update to every group (groups whose parameters have no gradient come with empty lists).
    /// Runs under <c>torch.no_grad()</c> in a dispose scope: temporaries need no disposal, and buffers stored in a
    /// <see cref="ParamState"/> are kept.
    /// </summary>
    protected abstract void update(IReadOnlyList<ParamGroupGrads> groups);

    /// <summary>
    /// The optimizer's state as plain data: every group's hyper-parameters with its parameters' indices (counted
    /// across groups), and the state of every parameter that has one. Tensors are the live buffers, not copies.
    /// </summary>
    public OptimizerStateDict state_dict()
    {
        var groupStates = new List<ParamGroupStateDict>(groups.Count);
        var paramStates = new Dictionary<int, ParamStateDict>();
        var index = 0;
        foreach (var group in groups)
        {
            var indices = new int[group.@params.Count];
            for (var i = 0; i < indices.Length; i++, index++)
            {
                indices[i] = index;
                if (states.TryGetValue(group.@params[i], out var s))
                {
                    paramStates[index] = new ParamStateDict(s.step, new Dictionary<string, Tensor>(s.tensors));
                }
            }
            groupStates.Add(new ParamGroupStateDict(group.Snapshot(), indices));
        }
        return new OptimizerStateDict(groupStates, paramStates);
    }

    /// <summary>
    /// Restores a state saved by <see cref="state_dict"/>: the groups' hyper-parameters are replaced and the buffers
    /// copied onto each parameter's device and dtype. Everything is checked before anything changes: the number of
    /// groups, of parameters per group, the buffers' shapes and the hyper-parameters.
    /// </summary>
    public void load_state_dict(OptimizerStateDict state_dict)
    {
        ArgumentNullException.ThrowIfNull(state_dict);
        var saved = state_dict.param_groups;
        if (saved.Count != groups.Count)
        {
            throw new ArgumentException($"The state dict has {saved.Count} param groups but the optimizer has {groups.Count}.");
        }
        var parameters = new List<Tensor>();
        for (var g = 0; g < groups.Count; g++)
        {
            if (saved[g].@params.Count != groups[g].@params.Count)
            {
                throw new ArgumentException($"Param group {g} has {saved[g].@params.Count} parameters in the state dict but {groups[g].@params.Count} in the optimizer.");
            }
            var probe = new ParamGroup([]);
            probe.Replace(saved[g].options);
            try
            {
                validate(probe);
            }
            catch (Exception e) when (e is ArgumentException or KeyNotFoundException)
            {
                throw new ArgumentException($"param group {g} of the state dict: {e.Message}", e);
            }
            parameters.AddRange(groups[g].@params);
        }
        var savedIndex = saved.SelectMany(g => g.@params).ToArray();
        var position = new Dictionary<int, int>();
        for (var i = 0; i < savedIndex.Length; i++)
        {
            position[savedIndex[i]] = i;
        }
        foreach (var (index, s) in state_dict.state)
        {
            if (!position.TryGetValue(index, out var at))
            {
                throw new ArgumentException($"The state dict has state for parameter {index}, which no param group lists.");
            }
            var expected = parameters[at].shape;
            foreach (var (name, t) in s.tensors)
            {
                if (!t.shape.SequenceEqual(expected))
                {
                    throw new ArgumentException($"State '{name}' of parameter {index} has shape [{string.Join(", ", t.shape)}] but the parameter has shape [{string.Join(", ", expected)}].");
                }
            }
        }

        for (var g = 0; g < groups.Count; g++)
        {
            groups[g].Replace(saved[g].options);
        }
        foreach (var s in states.Values)
        {
            s.Dispose();
        }
        states.Clear();
        foreach (var (index, s) in state_dict.state)
        {
            var p = parameters[position[index]];
            var loaded = new ParamState { step = s.step };
            foreach (var (name, t) in s.tensors)
            {
                loaded[name] = t.to(p.device, IsFloating(t.dtype) ? p.dtype : t.dtype, copy: true);
            }
            states[p] = loaded;
        }
    }

    /// <summary>Frees the state buffers.</summary>
    public void Dispose()
    {
        foreach (var s in states.Values)
        {
            s.Dispose();
        }
        states.Clear();
    }

    private static bool IsFloating(ScalarType type) =>
        type is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64;
}
