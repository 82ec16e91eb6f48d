// Quick start: train a compact convnet on Fashion-MNIST with the Trainer, test it, and print the test accuracy and
// where the report and checkpoints went. About four minutes on two CPU cores; about 92.5 % test accuracy.
//   dotnet run -c Release --project samples/QuickStart [-- --epochs N --data DIR --work-dir DIR]
// The recipe itself is in QuickStartRecipe.cs.
using Vision.Samples.Common;
using Vision.Samples.QuickStart;

return SampleArguments.Run(args, arguments =>
{
    var defaults = new QuickStartOptions();
    var options = defaults with
    {
        Epochs = arguments.Int("--epochs", defaults.Epochs),
        DataRoot = arguments.String("--data", defaults.DataRoot)!,
        WorkDir = arguments.String("--work-dir", defaults.WorkDir)!,
    };
    arguments.RejectUnknown();

    var result = QuickStartRecipe.Run(options);

    Console.WriteLine();
    Console.WriteLine($"Test accuracy:     {result.TestAccuracy:F2} % ({options.Epochs} epochs, {result.TrainingTime.TotalMinutes:F1} min of training)");
    Console.WriteLine($"Report:            {result.ReportPath} (evaluation.json beside it)");
    Console.WriteLine($"Best checkpoint:   {result.BestCheckpoint ?? "(none)"}");
    Console.WriteLine($"Latest checkpoint: {result.LatestCheckpoint ?? "(none)"}");
});
