namespace Vision.Engine.Optim;

/// <summary>
/// A set of parameters that share hyper-parameters, like one entry of PyTorch's <c>optimizer.param_groups</c>.
/// Hyper-parameters are numbers looked up by their PyTorch name (<c>group["lr"]</c>, <c>group["weight_decay"]</c>,
/// <c>group["beta2"]</c>), so schedulers can read and write any of them generically; schedulers also record their
/// bookkeeping here (<c>initial_lr</c>, <c>max_lr</c>, …) exactly as PyTorch and MMEngine do, which keeps it in the
/// optimizer's <see cref="Optimizer.state_dict"/>.
/// <para>
/// <c>"momentum"</c> is an alias where the optimizer has no momentum of its own: in the Adam family it reads and
/// writes <c>beta1</c>, as MMEngine's momentum schedulers treat it.
/// </para>
/// <code>
/// var decayed = new ParamGroup(weights);
/// var plain = new ParamGroup(biases, weight_decay: 0) { ["lr"] = 0.01 };
/// var opt = new AdamW([decayed, plain], lr: 1e-3, weight_decay: 0.05);
/// </code>
/// Hyper-parameters a group does not set are filled from the optimizer's defaults when the optimizer adopts it.
/// </summary>
public sealed class ParamGroup
{
    private readonly Dictionary<string, double> options = [];
    private string momentumKey = "momentum";

    /// <summary>A group of <paramref name="params"/>, optionally overriding the optimizer's lr and weight decay.</summary>
    public ParamGroup(IEnumerable<Tensor> @params, double? lr = null, double? weight_decay = null)
    {
        ArgumentNullException.ThrowIfNull(@params);
        this.@params = @params.ToArray();
        if (lr is { } l)
        {
            options["lr"] = l;
        }
        if (weight_decay is { } wd)
        {
            options["weight_decay"] = wd;
        }
    }

    /// <summary>The parameters, in order.</summary>
    public IReadOnlyList<Tensor> @params { get; }

    /// <summary>The optimizer that owns this group, once adopted.</summary>
    internal Optimizer? Owner { get; private set; }

    /// <summary>
    /// A hyper-parameter by name. Reading one the group lacks throws and lists the names it has; writing adds or
    /// replaces it. <c>"momentum"</c> maps to <c>beta1</c> in Adam-family optimizers.
    /// </summary>
    public double this[string name]
    {
        get
        {
            if (options.TryGetValue(Resolve(name), out var value))
            {
                return value;
            }
            throw new KeyNotFoundException($"The param group has no hyper-parameter '{name}'; it has: {string.Join(", ", options.Keys)}.");
        }
        set
        {
            if (!double.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"{name} must be finite, got {value}");
            }
            options[Resolve(name)] = value;
        }
    }

    /// <summary>Whether the group has the hyper-parameter <paramref name="name"/> (PyTorch's <c>name in group</c>).</summary>
    public bool Contains(string name) => options.ContainsKey(Resolve(name));

    /// <summary>The names of the hyper-parameters the group holds (aliases such as <c>momentum</c> for <c>beta1</c> not repeated).</summary>
    public IEnumerable<string> Keys => options.Keys;

    /// <summary>The learning rate.</summary>
    public double lr
    {
        get => this["lr"];
        set => this["lr"] = value;
    }

    /// <summary>The weight decay (L2 penalty, or decoupled decay in AdamW, LAMB and Lion).</summary>
    public double weight_decay
    {
        get => this["weight_decay"];
        set => this["weight_decay"] = value;
    }

    /// <summary>The momentum: SGD's and RMSprop's momentum, or beta1 in the Adam family.</summary>
    public double momentum
    {
        get => this["momentum"];
        set => this["momentum"] = value;
    }

    /// <summary>A copy of the hyper-parameters, under their stored names.</summary>
    internal Dictionary<string, double> Snapshot() => new(options);

    /// <summary>Attaches the group to its optimizer: fills missing hyper-parameters from the defaults and sets the momentum alias.</summary>
    internal void Adopt(Optimizer owner, IReadOnlyDictionary<string, double> defaults, string momentumName)
    {
        if (Owner is not null)
        {
            throw new ArgumentException("This param group already belongs to an optimizer; create a new ParamGroup for each optimizer.");
        }
        foreach (var (key, value) in defaults)
        {
            options.TryAdd(key, value);
        }
        momentumKey = momentumName;
        Owner = owner;
    }

    /// <summary>Replaces every hyper-parameter (loading a state dict replaces the groups' values wholesale, as PyTorch does).</summary>
    internal void Replace(IReadOnlyDictionary<string, double> values)
    {
        options.Clear();
        foreach (var (key, value) in values)
        {
            options[key] = value;
        }
    }

    private string Resolve(string name) => name == "momentum" ? momentumKey : name;
}
