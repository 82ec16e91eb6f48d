using Microsoft.Extensions.Logging;
using Vision.Engine.Training;

namespace Vision.Engine.Hooks;

/// <summary>
/// A trainer's hooks in the order they run: by priority, and hooks of equal priority in registration order (a stable
/// sort, as in MMEngine).
/// </summary>
internal sealed class HookSequence(IEnumerable<Hook> hooks)
{
    private readonly List<Hook> ordered = [.. hooks.OrderBy(h => (int)h.Priority)];

    /// <summary>The hooks in running order.</summary>
    public IReadOnlyList<Hook> Ordered => ordered;

    /// <summary>Calls <paramref name="point"/> on every hook in order.</summary>
    public void Call(Action<Hook> point)
    {
        foreach (var hook in ordered)
        {
            point(hook);
        }
    }

    /// <summary>Calls every hook's <see cref="Hook.AfterRun"/> after a training failure, logging a hook's own failure instead of throwing it.</summary>
    public void CallAfterRunAfterFailure(Trainer trainer, Exception failure)
    {
        foreach (var hook in ordered)
        {
            try
            {
                hook.AfterRun(trainer);
            }
            catch (Exception e)
            {
                // The training failure is the exception that matters; a hook failing while winding down only gets logged.
                trainer.Logger.LogError("{Hook}.AfterRun failed after the training failure {Failure}: {Message}", hook.GetType().Name, failure.GetType().Name, e.Message);
            }
        }
    }
}
