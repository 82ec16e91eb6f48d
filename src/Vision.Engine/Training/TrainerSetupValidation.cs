using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vision.Data.Loading;

namespace Vision.Engine.Training;

// The checks a trainer runs before anything else: every invalid option and every mismatch between the options and the
// components is reported in one OptionsValidationException.
internal static class TrainerSetupValidation
{
    public static void ValidateOptions(IServiceProvider services, TrainerOptions options, bool training)
    {
        // The options may have been registered without the options pipeline (e.g. Options.Create): validate here
        // too, so a trainer never starts with invalid options however it was composed. Evaluation has no run length.
        var failures = services.GetServices<IValidateOptions<TrainerOptions>>()
            .Select(v => v.Validate(Microsoft.Extensions.Options.Options.DefaultName, options))
            .Where(r => r.Failed)
            .SelectMany(r => r.Failures ?? [])
            .Where(f => training || f != TrainerOptionsValidator.MissingLengthMessage)
            .Distinct()
            .ToList();
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(TrainerOptions), failures);
        }
    }

    public static void ValidateComposition(TrainerOptions options, DataLoader? trainDataLoader, DataLoader? valDataLoader, int evaluatorCount)
    {
        var failures = new List<string>();
        if (trainDataLoader is not null && options.Checkpoint.SaveBest is { } best && (valDataLoader is null || evaluatorCount == 0))
        {
            failures.Add($"Checkpoint.SaveBest (checkpoint.save_best) is '{best}' but there is {(valDataLoader is null ? "no validation DataLoader" : "no evaluator")} to produce metrics.");
        }
        if (trainDataLoader?.Count == 0)
        {
            failures.Add("The training DataLoader has no batches (is the dataset smaller than a batch with drop_last?).");
        }
        if (options.ValByEpoch == false && options.MaxIters is null)
        {
            failures.Add("ValByEpoch (val_by_epoch) is false, but the run is epoch-based (max_epochs) and validates at epoch ends only; set max_iters for an iteration-based run or leave val_by_epoch out.");
        }
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(TrainerOptions), failures);
        }
    }
}
