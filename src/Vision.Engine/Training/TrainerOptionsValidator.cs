using System.Globalization;
using Microsoft.Extensions.Options;

namespace Vision.Engine.Training;

/// <summary>
/// Validates <see cref="TrainerOptions"/> before any training: every invalid value gets its own message naming the
/// option as in code and in configuration (e.g. <c>"MaxEpochs (max_epochs) must be at least 1, got 0."</c>).
/// </summary>
public sealed class TrainerOptionsValidator : IValidateOptions<TrainerOptions>
{
    // A trainer built only to evaluate needs no run length, so it ignores this one failure.
    internal const string MissingLengthMessage = "MaxEpochs (max_epochs) or MaxIters (max_iters) must be set: training needs a length.";

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        void Check(bool ok, string option, string rule, object? value)
        {
            if (!ok)
            {
                problems.Add($"{option} must {rule}, got {Show(value)}.");
            }
        }

        switch (options.MaxEpochs, options.MaxIters)
        {
            case (null, null):
                problems.Add(MissingLengthMessage);
                break;
            case (not null, not null):
                problems.Add($"MaxEpochs (max_epochs) and MaxIters (max_iters) cannot both be set (got {options.MaxEpochs} and {options.MaxIters}); the loop is either epoch- or iteration-based.");
                break;
        }
        if (options.MaxEpochs is { } epochs)
        {
            Check(epochs >= 1, "MaxEpochs (max_epochs)", "be at least 1", epochs);
        }
        if (options.MaxIters is { } iters)
        {
            Check(iters >= 1, "MaxIters (max_iters)", "be at least 1", iters);
        }
        Check(options.ValBegin >= 1, "ValBegin (val_begin)", "be at least 1", options.ValBegin);
        Check(options.ValInterval >= 1, "ValInterval (val_interval)", "be at least 1", options.ValInterval);
        Check(options.AccumulateGradBatches >= 1, "AccumulateGradBatches (accumulate_grad_batches)", "be at least 1", options.AccumulateGradBatches);
        Check(options.LogInterval >= 1, "LogInterval (log_interval)", "be at least 1", options.LogInterval);
        Check(!string.IsNullOrWhiteSpace(options.WorkDir), "WorkDir (work_dir)", "name a folder", options.WorkDir);
        Check(options.Seed is null or >= 0, "Seed (seed)", "be >= 0", options.Seed);
        Check(options.NumThreads is null or >= 1, "NumThreads (num_threads)", "be at least 1 (or unset for one per physical core)", options.NumThreads);

        var clip = options.ClipGrad ?? new ClipGradOptions();
        if (clip.MaxNorm is { } maxNorm)
        {
            Check(maxNorm > 0 && !double.IsNaN(maxNorm), "ClipGrad.MaxNorm (clip_grad.max_norm)", "be > 0", maxNorm);
        }
        if (clip.ClipValue is { } clipValue)
        {
            Check(clipValue > 0 && !double.IsNaN(clipValue), "ClipGrad.ClipValue (clip_grad.clip_value)", "be > 0", clipValue);
        }
        if (clip.MaxNorm is not null && clip.ClipValue is not null)
        {
            problems.Add("ClipGrad.MaxNorm (clip_grad.max_norm) and ClipGrad.ClipValue (clip_grad.clip_value) cannot both be set; clip by norm or by value.");
        }
        Check(clip.NormType > 0, "ClipGrad.NormType (clip_grad.norm_type)", "be > 0 (or infinity)", clip.NormType);

        var device = ParseDevice(options.Device, problems);
        var amp = options.Amp ?? new Amp.AmpOptions();
        var dtype = amp.Dtype?.ToLowerInvariant();
        if (dtype is not ("bfloat16" or "float16"))
        {
            problems.Add($"Amp.Dtype (amp.dtype) must be 'bfloat16' or 'float16', got {Show(amp.Dtype)}.");
        }
        else if (amp.Enabled && dtype == "float16" && device?.Type == DeviceType.CPU)
        {
            problems.Add("Amp.Dtype (amp.dtype) 'float16' needs a CUDA device (Device (device) is 'cpu'); use 'bfloat16' on the CPU.");
        }
        Check(amp.InitScale > 0 && double.IsFinite(amp.InitScale), "Amp.InitScale (amp.init_scale)", "be a finite number > 0", amp.InitScale);
        Check(amp.GrowthFactor > 1 && double.IsFinite(amp.GrowthFactor), "Amp.GrowthFactor (amp.growth_factor)", "be a finite number > 1", amp.GrowthFactor);
        Check(amp.BackoffFactor > 0 && amp.BackoffFactor < 1, "Amp.BackoffFactor (amp.backoff_factor)", "be in (0, 1)", amp.BackoffFactor);
        Check(amp.GrowthInterval >= 1, "Amp.GrowthInterval (amp.growth_interval)", "be at least 1", amp.GrowthInterval);

        var checkpoint = options.Checkpoint ?? new Checkpoints.CheckpointOptions();
        Check(checkpoint.Interval >= 0, "Checkpoint.Interval (checkpoint.interval)", "be >= 0 (0 = no periodic checkpoints)", checkpoint.Interval);
        Check(checkpoint.MaxKeepCkpts == -1 || checkpoint.MaxKeepCkpts >= 1, "Checkpoint.MaxKeepCkpts (checkpoint.max_keep_ckpts)", "be -1 (keep all) or at least 1", checkpoint.MaxKeepCkpts);
        Check(checkpoint.RecoveryInterval >= 0, "Checkpoint.RecoveryInterval (checkpoint.recovery_interval)", "be >= 0 (0 = off)", checkpoint.RecoveryInterval);
        Check(checkpoint.Rule is null or "greater" or "less", "Checkpoint.Rule (checkpoint.rule)", "be 'greater', 'less' or unset", checkpoint.Rule);
        Check(checkpoint.SaveBest is null || checkpoint.SaveBest.Trim().Length > 0, "Checkpoint.SaveBest (checkpoint.save_best)", "be a metric name, 'auto' or unset", checkpoint.SaveBest);

        if (options.Resume is { } resume)
        {
            Check(resume == "auto" || Directory.Exists(resume), "Resume (resume)", "be 'auto' or an existing checkpoint folder", resume);
        }
        if (options.LoadFrom is { } loadFrom)
        {
            Check(Directory.Exists(loadFrom) || File.Exists(loadFrom), "LoadFrom (load_from)", "be an existing checkpoint folder or .safetensors file", loadFrom);
        }

        var pre = options.DataPreprocessor ?? new DataPreprocessorOptions();
        if ((pre.Mean is null) != (pre.Std is null))
        {
            problems.Add("DataPreprocessor.Mean (data_preprocessor.mean) and DataPreprocessor.Std (data_preprocessor.std) must be given together.");
        }
        else if (pre.Mean is { } mean && pre.Std is { } std)
        {
            if (mean.Length == 0 || mean.Length != std.Length)
            {
                problems.Add($"DataPreprocessor.Std (data_preprocessor.std) must have one value per channel of DataPreprocessor.Mean ({mean.Length}), got {std.Length} values.");
            }
            if (!std.All(s => s > 0 && double.IsFinite(s)))
            {
                problems.Add($"DataPreprocessor.Std (data_preprocessor.std) must hold finite values > 0, got [{string.Join(", ", std.Select(s => Show(s)))}].");
            }
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static Device? ParseDevice(string? text, List<string> problems)
    {
        Device device;
        try
        {
            device = Vision.Device.Parse(text ?? "");
        }
        catch (ArgumentException)
        {
            problems.Add($"Device (device) must be 'cpu', 'cuda' or 'cuda:N', got {Show(text)}.");
            return null;
        }
        if (device.Type == DeviceType.CUDA && !torch.cuda.is_available())
        {
            problems.Add($"Device (device) is '{text}' but CUDA is not available in this libtorch build.");
        }
        return device;
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"'{s}'",
        double d => d.ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
