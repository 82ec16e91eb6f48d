using System.Globalization;
using System.Text;
using Vision.Data;
using Vision.Engine.Logging;
using Vision.Engine.Training;

namespace Vision.Engine.Hooks;

/// <summary>
/// Logs scalars (MMEngine's <c>LoggerHook</c>, priority BELOW_NORMAL): every <c>interval</c> training iterations (and
/// at each epoch's end) the smoothed loss, lr (of every parameter group), timings, throughput and the other training scalars, and the metrics of
/// every validation and test pass. Each record goes to every <see cref="IScalarWriter"/> (by default JSON lines, CSV and
/// TensorBoard files in <see cref="Trainer.LogDir"/>) and, as one line, to <see cref="Trainer.Logger"/>:
/// <code>
/// Epoch(train) [2][ 40/100]  lr: 1.0000e-01  eta: 0:01:02  time: 0.0123  data_time: 0.0010  loss: 0.6931
/// Epoch(val) [2]  accuracy/top1: 91.2500  loss: 0.2718
/// </code>
/// Only the main process logs. The writers are opened with the first record and flush every record, so the files
/// are complete at any time; the container closes them when the trainer is disposed.
/// </summary>
public sealed class LoggerHook : Hook
{
    // Training scalars logged as the mean over the interval; the others (lr, loss_scale) as their latest value.
    private static readonly string[] Smoothed = ["loss", "time", "data_time", "throughput", "grad_norm"];
    private static readonly string[] Latest = ["lr", "loss_scale"];

    /// <summary>The name prefix of the learning rates of parameter groups 1, 2, … ("lr/group1"); group 0's is "lr".</summary>
    public const string LrGroupPrefix = "lr/group";

    private readonly IReadOnlyList<IScalarWriter> writers;
    private readonly int? configuredInterval;
    private bool open;

    /// <summary>Creates the hook.</summary>
    /// <param name="writers">Where records go besides the log line.</param>
    /// <param name="interval">Iterations between training records; null = <see cref="TrainerOptions.LogInterval"/>.</param>
    public LoggerHook(IEnumerable<IScalarWriter> writers, int? interval = null) : base(HookPriority.BelowNormal)
    {
        ArgumentNullException.ThrowIfNull(writers);
        if (interval is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "interval must be at least 1.");
        }
        this.writers = writers.ToList();
        configuredInterval = interval;
    }

    /// <inheritdoc/>
    public override void BeforeTrain(Trainer trainer)
    {
        // A resumed run does again what followed its checkpoint: drop what the interrupted attempt logged of it (all of
        // it when the attempt was killed before its first checkpoint, so resume found none).
        if (trainer.Options.Resume is not null && trainer.Distributed.IsMainProcess && Directory.Exists(trainer.LogDir))
        {
            foreach (var writer in writers)
            {
                writer.DiscardAfter(trainer.LogDir, trainer.Iter, trainer.ValidationPending);
            }
        }
    }

    /// <inheritdoc/>
    public override void AfterTrainIter(Trainer trainer, int batchIndex, Batch batch, TrainStepOutput output)
    {
        var interval = configuredInterval ?? trainer.Options.LogInterval;
        var done = batchIndex + 1;
        if (done % interval != 0 && done != trainer.EpochLength)
        {
            return;
        }
        var window = done % interval == 0 ? interval : done % interval;
        var scalars = new List<KeyValuePair<string, double>>();
        foreach (var name in Latest)
        {
            if (trainer.Logs.TryGetScalar(MessageHubKeys.Train(name), out var history))
            {
                scalars.Add(new(name, history.Current));
            }
        }
        // Group 0's lr is "lr" (above); the other groups' follow, so per-group schedules (layer decay) can be plotted.
        for (var group = 1; group < trainer.Optimizer.param_groups.Count; group++)
        {
            scalars.Add(new($"{LrGroupPrefix}{group}", trainer.Optimizer.param_groups[group].lr));
        }
        foreach (var name in Smoothed)
        {
            if (trainer.Logs.TryGetScalar(MessageHubKeys.Train(name), out var history))
            {
                scalars.Add(new(name, history.Mean(window)));
            }
        }
        var line = new StringBuilder();
        line.Append(trainer.IsIterBased
            ? $"Iter(train) [{Pad(trainer.Iter + 1, trainer.MaxIters)}/{trainer.MaxIters}]"
            : $"Epoch(train) [{trainer.Epoch + 1}][{Pad(done, trainer.EpochLength)}/{trainer.EpochLength}]");
        if (trainer.Logs.TryGetInfo<TimeSpan>(IterTimerHook.EtaInfo, out var eta))
        {
            line.Append(CultureInfo.InvariantCulture, $"  eta: {(int)eta.TotalHours}:{eta:mm\\:ss}");
        }
        Emit(trainer, new ScalarRecord("train", trainer.Epoch + 1, trainer.Iter + 1, scalars), line);
    }

    /// <inheritdoc/>
    public override void AfterValEpoch(Trainer trainer, IReadOnlyDictionary<string, double> metrics) => LogMetrics(trainer, "val", metrics);

    /// <inheritdoc/>
    public override void AfterTestEpoch(Trainer trainer, IReadOnlyDictionary<string, double> metrics) => LogMetrics(trainer, "test", metrics);

    private void LogMetrics(Trainer trainer, string mode, IReadOnlyDictionary<string, double> metrics)
    {
        // Epoch-based validation runs after the epoch counter advanced; iteration-based runs inside an epoch.
        var epoch = trainer.IsIterBased ? trainer.Epoch + 1 : Math.Max(trainer.Epoch, 1);
        var line = new StringBuilder(trainer.IsIterBased ? $"Iter({mode}) [{trainer.Iter}/{trainer.MaxIters}]" : $"Epoch({mode}) [{epoch}]");
        Emit(trainer, new ScalarRecord(mode, epoch, trainer.Iter, metrics.ToList()), line);
    }

    private void Emit(Trainer trainer, ScalarRecord record, StringBuilder line)
    {
        if (!trainer.Distributed.IsMainProcess)
        {
            return;
        }
        if (!open)
        {
            Directory.CreateDirectory(trainer.LogDir);
            foreach (var writer in writers)
            {
                writer.Open(trainer.LogDir);
            }
            open = true;
        }
        foreach (var (name, value) in record.Scalars)
        {
            line.Append("  ").Append(name).Append(": ").Append(Format(name, value));
        }
        trainer.Info(line.ToString());
        foreach (var writer in writers)
        {
            writer.Write(record);
        }
    }

    private static string Format(string name, double value) =>
        value.ToString(name is "lr" or "loss_scale" || name.StartsWith(LrGroupPrefix, StringComparison.Ordinal) ? "0.0000e+00" : "0.0000", CultureInfo.InvariantCulture);

    private static string Pad(long value, long total) => value.ToString(CultureInfo.InvariantCulture).PadLeft(total.ToString(CultureInfo.InvariantCulture).Length);
}
