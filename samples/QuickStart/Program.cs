// Quick start: train a compact convnet on Fashion-MNIST with the Trainer, test it, and print the test accuracy and
// where the report and checkpoints went. About four minutes on two CPU cores; about 92.5 % test accuracy.
//   dotnet run -c Release --project samples/QuickStart [-- --epochs N --data DIR --work-dir DIR]
// The recipe itself is in QuickStartRecipe.cs.
using Vision.Samples.QuickStart;

var defaults = new QuickStartOptions();
var options = defaults with
{
    Epochs = Option("--epochs") is { } epochs ? int.Parse(epochs) : defaults.Epochs,
    DataRoot = Option("--data") ?? defaults.DataRoot,
    WorkDir = Option("--work-dir") ?? defaults.WorkDir,
};

var result = QuickStartRecipe.Run(options);

Console.WriteLine();
Console.WriteLine($"Test accuracy:     {result.TestAccuracy:F2} % ({options.Epochs} epochs, {result.TrainingTime.TotalMinutes:F1} min of training)");
Console.WriteLine($"Report:            {result.ReportPath} (evaluation.json beside it)");
Console.WriteLine($"Best checkpoint:   {result.BestCheckpoint ?? "(none)"}");
Console.WriteLine($"Latest checkpoint: {result.LatestCheckpoint ?? "(none)"}");

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i < 0 ? null : i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{name} needs a value.");
}
