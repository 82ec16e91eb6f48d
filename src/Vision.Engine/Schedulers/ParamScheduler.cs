using Vision.Engine.Optim;
using static Vision.Engine.OptionChecks;

namespace Vision.Engine.Schedulers;

/// <summary>
/// Base class of the parameter schedulers, with MMEngine's semantics (<c>mmengine.optim._ParamScheduler</c>): a
/// scheduler changes one hyper-parameter (<see cref="param_name"/>, usually <c>lr</c> or <c>momentum</c>) of every
/// param group, and is active on the window [<see cref="begin"/>, <see cref="end"/>) of its own step count.
/// <para>
/// Construction records each group's current value as <c>initial_{param_name}</c> (unless a scheduler created
/// earlier did) and performs the first step, so the value for step 0 is in place before the first optimizer step.
/// Call <see cref="step"/> after each optimizer step, or after each epoch when <see cref="by_epoch"/> is set.
/// </para>
/// <para>
/// The formulas are PyTorch's "chainable" ones: most schedulers update the group's current value multiplicatively,
/// so several schedulers on overlapping windows compose (a warm-up <see cref="LinearLR"/> on [0, 5) followed by a
/// <see cref="CosineAnnealingLR"/> on [5, 100), for example). Step them in the order they were created.
/// </para>
/// <para>
/// An epoch-based scheduler (<c>by_epoch: true</c>) given <c>epoch_length</c> (iterations per epoch) is converted
/// to an iteration-based one, as MMEngine's <c>convert_to_iter_based</c>: begin, end and every length in epochs
/// are multiplied by epoch_length, and it is then stepped after every iteration.
/// </para>
/// Subclasses compute the value in <see cref="get_value"/> and call <see cref="start"/> at the end of their constructor.
/// </summary>
public abstract class ParamScheduler
{
    /// <summary>The "no end" step (MMEngine's INF).</summary>
    public const long INF = 1_000_000_000;

    private readonly long unit;
    private double[] baseValues = [];
    private double[] lastValue = [];
    private bool started;

    /// <summary>Validates and records the window; converts an epoch-based window to iterations when <paramref name="epoch_length"/> is given.</summary>
    protected ParamScheduler(Optimizer optimizer, string param_name, long begin, long end, bool by_epoch, long? epoch_length)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentException.ThrowIfNullOrEmpty(param_name);
        unit = 1;
        if (epoch_length is { } length)
        {
            if (!by_epoch)
            {
                throw new ArgumentException("epoch_length converts an epoch-based scheduler to iterations, so it needs by_epoch = true.");
            }
            Positive("epoch_length", length);
            unit = length;
            begin *= length;
            end = end == INF ? INF : end * length;
            by_epoch = false;
        }
        NonNegative("begin", begin);
        if (end <= begin)
        {
            throw new ArgumentException($"end must be > begin, got begin={begin}, end={end}");
        }
        this.optimizer = optimizer;
        this.param_name = param_name;
        this.begin = begin;
        this.end = end;
        this.by_epoch = by_epoch;
    }

    /// <summary>The optimizer whose groups are scheduled.</summary>
    public Optimizer optimizer { get; }

    /// <summary>The scheduled hyper-parameter.</summary>
    public string param_name { get; }

    /// <summary>The first step (inclusive) at which the scheduler changes the value.</summary>
    public long begin { get; }

    /// <summary>The step (exclusive) from which the scheduler leaves the value alone.</summary>
    public long end { get; }

    /// <summary>Whether <see cref="step"/> is meant to be called once per epoch (else once per iteration).</summary>
    public bool by_epoch { get; }

    /// <summary>How many steps the scheduler has taken inside its window, minus one (-1 before the window).</summary>
    public long last_step { get; private set; } = -1;

    /// <summary>How many times <see cref="step"/> has run, minus one (0 right after construction).</summary>
    public long global_step { get; private set; } = -1;

    /// <summary>Each group's <c>initial_{param_name}</c>, the value the schedule starts from.</summary>
    protected IReadOnlyList<double> base_values => baseValues;

    /// <summary>Converts a length given in the scheduler's own units (epochs before conversion) to steps.</summary>
    protected long to_steps(long length) => length * unit;

    /// <summary>
    /// Records the initial values and performs the first step. Subclasses call it as the last statement of their
    /// constructor, once everything <see cref="get_value"/> reads is set.
    /// </summary>
    protected void start()
    {
        var initial = "initial_" + param_name;
        for (var i = 0; i < optimizer.param_groups.Count; i++)
        {
            var group = optimizer.param_groups[i];
            if (!group.Contains(param_name))
            {
                throw new ArgumentException($"param_name '{param_name}' is not a hyper-parameter of param group {i} (it has {string.Join(", ", group.Keys)}).");
            }
            if (!group.Contains(initial))
            {
                group[initial] = group[param_name];
            }
        }
        baseValues = optimizer.param_groups.Select(g => g[initial]).ToArray();
        started = true;
        step();
    }

    /// <summary>Advances the schedule by one step and writes the new value into every group when inside the window.</summary>
    public void step()
    {
        if (!started)
        {
            throw new InvalidOperationException($"{GetType().Name} did not call start() at the end of its constructor.");
        }
        var groups = optimizer.param_groups;
        if (groups.Count != baseValues.Length)
        {
            throw new InvalidOperationException($"The optimizer has {groups.Count} param groups but had {baseValues.Length} when the scheduler was created.");
        }
        global_step++;
        if (begin <= global_step && global_step < end)
        {
            last_step++;
            var values = new double[groups.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = get_value(i, groups[i]);
            }
            for (var i = 0; i < values.Length; i++)
            {
                groups[i][param_name] = values[i];
            }
        }
        lastValue = groups.Select(g => g[param_name]).ToArray();
    }

    /// <summary>
    /// The value for group <paramref name="group_index"/> at <see cref="last_step"/> (its step inside the window),
    /// computed from the group's current value (chainable form) or from <see cref="base_values"/>.
    /// </summary>
    protected abstract double get_value(int group_index, ParamGroup group);

    /// <summary>The values of <see cref="param_name"/> in every group after the last step.</summary>
    public double[] get_last_value() => (double[])lastValue.Clone();

    /// <summary>The learning rates after the last step; only for schedulers of <c>lr</c>.</summary>
    public double[] get_last_lr() => param_name == "lr"
        ? get_last_value()
        : throw new InvalidOperationException($"This scheduler schedules '{param_name}', not 'lr'; use get_last_value().");

    /// <summary>The scheduler's progress, for checkpoints (the groups' values themselves are in the optimizer's state dict).</summary>
    public ParamSchedulerStateDict state_dict() => new(last_step, global_step, baseValues.ToArray(), lastValue.ToArray());

    /// <summary>Restores progress saved by <see cref="state_dict"/>; load the optimizer's state as well.</summary>
    public void load_state_dict(ParamSchedulerStateDict state_dict)
    {
        ArgumentNullException.ThrowIfNull(state_dict);
        if (state_dict.base_values.Count != optimizer.param_groups.Count || state_dict.last_value.Count != optimizer.param_groups.Count)
        {
            throw new ArgumentException($"The scheduler state has values for {state_dict.base_values.Count} param groups but the optimizer has {optimizer.param_groups.Count}.");
        }
        last_step = state_dict.last_step;
        global_step = state_dict.global_step;
        baseValues = state_dict.base_values.ToArray();
        lastValue = state_dict.last_value.ToArray();
    }
}
