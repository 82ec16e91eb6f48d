// Trains CAS-ViT on a class-per-folder dataset with the CAS-ViT recipe (CasVitOptions lists every number and its
// source), then writes the evaluation report and the loss and accuracy curves:
//   dotnet run -c Release --project samples/CasVit -- --data DIR [--work-dir DIR] [--model cas-vit-xs]
//       [--img-size 224] [--batch-size 256] [--accumulate 2] [--epochs 300] [--warmup-epochs 20] [--workers 10]
// DIR holds train/ and val/ (and optionally test/), each with one folder of images per class.
using Vision;
using Vision.Samples.CasVit;
using Vision.Samples.Common;

return SampleArguments.Run(args, arguments =>
{
    var recipe = new CasVitOptions { DataRoot = arguments.Required("--data") };
    recipe = recipe with
    {
        WorkDir = arguments.String("--work-dir", recipe.WorkDir)!,
        Model = arguments.String("--model", recipe.Model)!,
        ImageSize = arguments.Int("--img-size", recipe.ImageSize),
        BatchSize = arguments.Int("--batch-size", recipe.BatchSize),
        AccumulateGradBatches = arguments.Int("--accumulate", recipe.AccumulateGradBatches),
        MaxEpochs = arguments.Int("--epochs", recipe.MaxEpochs),
        WarmupEpochs = arguments.Int("--warmup-epochs", recipe.WarmupEpochs),
        Workers = arguments.Count("--workers", recipe.Workers),
    };
    arguments.RejectUnknown();

    torch.set_num_threads(Environment.ProcessorCount);
    Console.WriteLine($"{recipe.Model} at {recipe.ImageSize} px, {recipe.StepBatchSize} images per step, lr {recipe.BaseLearningRate} × {recipe.StepBatchSize} / {recipe.BaseBatchSize} = {recipe.LearningRate:G4}");
    var result = CasVitRecipe.Run(recipe);
    Console.WriteLine($"Training ended ({result.Fit.Message}); best checkpoint: {result.Fit.BestCheckpoint ?? "none"}");
    Console.WriteLine($"Test top-1 {result.Report.Metrics["accuracy/top1"]:F2} %; report: {result.ReportDirectory}; curves: {string.Join(", ", result.Curves)}");
});
