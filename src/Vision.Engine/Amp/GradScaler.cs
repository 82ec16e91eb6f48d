using Vision.Engine.Optim;
using static Vision.Engine.OptionChecks;

namespace Vision.Engine.Amp;

/// <summary>
/// Dynamic loss scaling for float16 training, with the semantics of <c>torch.cuda.amp.GradScaler</c>: the loss is
/// multiplied by <see cref="get_scale"/> before <c>backward()</c> so small float16 gradients do not flush to zero;
/// <see cref="unscale_"/> divides the gradients back (call it before clipping) and looks for inf/NaN;
/// <see cref="step"/> skips the optimizer step when it found any; <see cref="update"/> then halves the scale
/// (<c>backoff_factor</c>) after an overflow, or doubles it (<c>growth_factor</c>) after <c>growth_interval</c>
/// overflow-free steps.
/// <code>
/// scaler.scale(loss).backward();
/// scaler.unscale_(optimizer);
/// ClipGrad.clip_grad_norm_(parameters, 1.0);
/// scaler.step(optimizer);
/// scaler.update();
/// </code>
/// bfloat16 has float32's range and needs no scaler.
/// </summary>
public sealed class GradScaler
{
    private double scaleValue;
    private int growthTracker;
    private bool? foundInf;

    /// <summary>Creates a scaler with PyTorch's defaults.</summary>
    /// <exception cref="ArgumentException">A value is out of range (named in the message).</exception>
    public GradScaler(double init_scale = 65536.0, double growth_factor = 2.0, double backoff_factor = 0.5, int growth_interval = 2000)
    {
        Positive("init_scale", init_scale);
        Require(growth_factor > 1, "growth_factor", growth_factor, "> 1");
        Require(backoff_factor > 0 && backoff_factor < 1, "backoff_factor", backoff_factor, "in (0, 1)");
        Require(growth_interval >= 1, "growth_interval", growth_interval, ">= 1");
        scaleValue = init_scale;
        this.growth_factor = growth_factor;
        this.backoff_factor = backoff_factor;
        this.growth_interval = growth_interval;
    }

    /// <summary>The factor applied to the scale after <see cref="growth_interval"/> overflow-free steps.</summary>
    public double growth_factor { get; private set; }

    /// <summary>The factor applied to the scale after an overflow.</summary>
    public double backoff_factor { get; private set; }

    /// <summary>Overflow-free steps between growths.</summary>
    public int growth_interval { get; private set; }

    /// <summary>The current scale.</summary>
    public double get_scale() => scaleValue;

    /// <summary>The loss multiplied by the current scale (a new tensor of the current dispose scope).</summary>
    public Tensor scale(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return loss * scaleValue;
    }

    /// <summary>
    /// Divides the gradients of <paramref name="optimizer"/>'s parameters by the scale in place and records whether
    /// any is inf or NaN; returns that. At most once per step: <see cref="step"/> calls it when it was not called.
    /// </summary>
    /// <exception cref="InvalidOperationException">It was already called since the last <see cref="update"/>.</exception>
    public bool unscale_(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (foundInf is not null)
        {
            throw new InvalidOperationException("unscale_() has already been called on this optimizer since the last update().");
        }
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var inverse = 1.0 / scaleValue;
        var finite = true;
        foreach (var group in optimizer.param_groups)
        {
            foreach (var p in group.@params)
            {
                if (p.grad is not { } g)
                {
                    continue;
                }
                g.mul_(inverse);
                finite &= g.isfinite().all().item<bool>();
            }
        }
        foundInf = !finite;
        return !finite;
    }

    /// <summary>
    /// Steps <paramref name="optimizer"/> unless the (unscaled) gradients hold inf or NaN; returns whether it stepped.
    /// </summary>
    public bool step(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var overflow = foundInf ?? unscale_(optimizer);
        if (overflow)
        {
            return false;
        }
        optimizer.step();
        return true;
    }

    /// <summary>Adjusts the scale after a step: backs off after an overflow, grows after <see cref="growth_interval"/> clean steps.</summary>
    /// <exception cref="InvalidOperationException">No gradients were unscaled since the last update.</exception>
    public void update()
    {
        var overflow = foundInf ?? throw new InvalidOperationException("update() needs a step (or unscale_) since the last update().");
        foundInf = null;
        if (overflow)
        {
            scaleValue *= backoff_factor;
            growthTracker = 0;
            return;
        }
        growthTracker++;
        if (growthTracker == growth_interval)
        {
            scaleValue *= growth_factor;
            growthTracker = 0;
        }
    }

    /// <summary>The state, for checkpoints.</summary>
    public GradScalerState state_dict() => new(scaleValue, growth_factor, backoff_factor, growth_interval, growthTracker);

    /// <summary>Restores a state saved by <see cref="state_dict"/>.</summary>
    public void load_state_dict(GradScalerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Positive("scale", state.scale);
        Require(state.growth_factor > 1, "growth_factor", state.growth_factor, "> 1");
        Require(state.backoff_factor > 0 && state.backoff_factor < 1, "backoff_factor", state.backoff_factor, "in (0, 1)");
        Require(state.growth_interval >= 1, "growth_interval", state.growth_interval, ">= 1");
        scaleValue = state.scale;
        growth_factor = state.growth_factor;
        backoff_factor = state.backoff_factor;
        growth_interval = state.growth_interval;
        growthTracker = state.growth_tracker;
        foundInf = null;
    }
}
