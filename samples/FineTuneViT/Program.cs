// Fine-tunes a Vision Transformer on a class-per-folder dataset with MMPreTrain's ViT-B/32 384-px recipe
// (FineTuneViTOptions lists every number and its source):
//   dotnet run -c Release --project samples/FineTuneViT -- --data DIR [--pretrained vit-base-p32_in21k-pre-3rdparty_ft-in1k-384.pth]
//       [--work-dir DIR] [--model vit-base-p32] [--img-size 384] [--batch-size 32] [--epochs 100]
//       [--warmup-epochs 10] [--val-begin 20] [--workers 4]
// DIR holds train/ and val/ (and optionally test/), each with one folder of images per class. Pretrained weights
// (MMPreTrain's or timm's .pth as published, a safetensors file, or a Vision export) are resized to the image size.
using Vision;
using Vision.Samples.Common;
using Vision.Samples.FineTuneViT;

return SampleArguments.Run(args, arguments =>
{
    var recipe = new FineTuneViTOptions { DataRoot = arguments.Required("--data") };
    recipe = recipe with
    {
        Pretrained = arguments.String("--pretrained"),
        WorkDir = arguments.String("--work-dir", recipe.WorkDir)!,
        Model = arguments.String("--model", recipe.Model)!,
        ImageSize = arguments.Int("--img-size", recipe.ImageSize),
        BatchSize = arguments.Int("--batch-size", recipe.BatchSize),
        MaxEpochs = arguments.Int("--epochs", recipe.MaxEpochs),
        WarmupEpochs = arguments.Int("--warmup-epochs", recipe.WarmupEpochs),
        ValBegin = arguments.Int("--val-begin", recipe.ValBegin),
        Workers = arguments.Count("--workers", recipe.Workers),
    };
    arguments.RejectUnknown();

    torch.set_num_threads(Environment.ProcessorCount);
    Console.WriteLine($"{recipe.Model} at {recipe.ImageSize} px, batch {recipe.BatchSize}, lr {recipe.BaseLearningRate} × {recipe.BatchSize} / {recipe.BaseBatchSize} = {recipe.LearningRate:G4}");
    var result = FineTuneViTRecipe.Run(recipe, Console.WriteLine);
    Console.WriteLine($"Training ended ({result.Fit.Message}); best checkpoint: {result.Fit.BestCheckpoint ?? "none"}");
    Console.WriteLine($"Evaluation report: {result.ReportDirectory}; curves: {string.Join(", ", result.Curves)}");
});
