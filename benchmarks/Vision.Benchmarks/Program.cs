using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Vision.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
