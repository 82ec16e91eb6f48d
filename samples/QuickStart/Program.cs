// Quick start: train a compact convnet on Fashion-MNIST with the Trainer, test it, and print the test accuracy and
// where the report and checkpoints went. About five minutes on two CPU cores; over 90 % test accuracy.
//   dotnet run -c Release --project samples/QuickStart [-- --epochs N --data DIR --work-dir DIR]
// The recipe itself is in QuickStartRecipe.cs.
using Vision.Samples.QuickStart;

var defaults = new QuickStartOptions();
var options = defaults with
{
    Epochs = int.Parse(Option("--epochs") ?? defaults.Epochs.ToString()),
    DataRoot = Option("--data") ?? defaults.DataRoot,
    WorkDir = Option("--work-dir") ?? defaults.WorkDir,
};

var result = QuickStartRecipe.Run(options);

Console.WriteLine();
Console.WriteLine($"Test accuracy: {result.TestAccuracy:F2} % after {options.Epochs} epoch(s), {result.TrainingTime.TotalMinutes:F1} min of training");
Console.WriteLine($"Test report:        {Path.GetFullPath(result.ReportPath)}");
Console.WriteLine($"Best checkpoint:    {result.BestCheckpoint ?? "(none)"}");
Console.WriteLine($"Latest checkpoint:  {result.LatestCheckpoint ?? "(none)"}");

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i < 0 ? null : i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{name} needs a value.");
}
