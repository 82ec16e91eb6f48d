using System.Globalization;
using Spectre.Console;
using Vision.Data;
using Vision.Engine.Logging;
using Vision.Engine.Training;

namespace Vision.Engine.Hooks;

/// <summary>
/// A console progress bar per training epoch (Spectre.Console, priority BELOW_NORMAL) showing the loss, the learning
/// rate, the throughput in images per second and the time left in the epoch. It is on when
/// <see cref="TrainerOptions.ProgressBar"/> is set, on the main process, and when the console is interactive, so it
/// turns itself off when the output is redirected (CI logs, files). Log lines written meanwhile appear above it.
/// </summary>
public sealed class ProgressBarHook : Hook, IDisposable
{
    private readonly IAnsiConsole console;
    private TaskCompletionSource? finish;
    private Task? display;
    private ProgressTask? task;

    /// <summary>Creates the hook drawing on <paramref name="console"/>.</summary>
    public ProgressBarHook(IAnsiConsole console) : base(HookPriority.BelowNormal)
    {
        ArgumentNullException.ThrowIfNull(console);
        this.console = console;
    }

    /// <inheritdoc/>
    public override void BeforeTrainEpoch(Trainer trainer)
    {
        if (!trainer.Options.ProgressBar || !trainer.Distributed.IsMainProcess || !console.Profile.Capabilities.Interactive)
        {
            return;
        }
        var ready = new TaskCompletionSource<ProgressTask>(TaskCreationOptions.RunContinuationsAsynchronously);
        finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = finish.Task;
        // Spectre renders a progress display inside a callback; running it on its own task lets the training loop
        // drive the bar from the hook points while the display refreshes in the background.
        display = Task.Run(() => console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                // An iteration-based run may end inside an epoch: the bar then ends where the run does.
                var length = trainer.IsIterBased ? Math.Min(trainer.EpochLength, trainer.InnerIter + trainer.MaxIters - trainer.Iter) : trainer.EpochLength;
                var epochTask = context.AddTask(Describe(trainer), maxValue: length);
                epochTask.Value = trainer.InnerIter;
                ready.SetResult(epochTask);
                await done.ConfigureAwait(false);
                epochTask.StopTask();
            }));
        // If the display fails to start, the failure surfaces here instead of a wait that never ends.
        Task.WaitAny(ready.Task, display);
        if (display.IsFaulted)
        {
            display.GetAwaiter().GetResult();
        }
        task = ready.Task.Result;
    }

    /// <inheritdoc/>
    public override void AfterTrainIter(Trainer trainer, int batchIndex, Batch batch, TrainStepOutput output)
    {
        if (task is null)
        {
            return;
        }
        task.Description = Describe(trainer);
        task.Increment(1);
    }

    /// <inheritdoc/>
    public override void AfterTrainEpoch(Trainer trainer) => Stop();

    /// <inheritdoc/>
    public override void AfterRun(Trainer trainer) => Stop();

    /// <summary>Ends a display still running.</summary>
    public void Dispose() => Stop();

    private static string Describe(Trainer trainer)
    {
        // In the run's unit: an iteration-based run counts iterations towards max_iters.
        var text = trainer.IsIterBased ? $"iter {trainer.Iter}/{trainer.MaxIters}" : $"epoch {trainer.Epoch + 1}/{trainer.Options.MaxEpochs}";
        if (trainer.Logs.TryGetScalar(MessageHubKeys.TrainLoss, out var loss))
        {
            text += string.Create(CultureInfo.InvariantCulture, $"  loss {loss.Mean(trainer.Options.LogInterval):0.0000}");
        }
        if (trainer.Logs.TryGetScalar(MessageHubKeys.TrainLr, out var lr))
        {
            text += string.Create(CultureInfo.InvariantCulture, $"  lr {lr.Current:0.000e+00}");
        }
        if (trainer.Logs.TryGetScalar(MessageHubKeys.TrainThroughput, out var throughput))
        {
            text += string.Create(CultureInfo.InvariantCulture, $"  {throughput.Mean(trainer.Options.LogInterval):0} img/s");
        }
        return Markup.Escape(text);
    }

    private void Stop()
    {
        if (finish is null)
        {
            return;
        }
        finish.TrySetResult();
        display?.GetAwaiter().GetResult();
        finish = null;
        display = null;
        task = null;
    }
}
