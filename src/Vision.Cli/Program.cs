// The `vision` tool: everything lives in VisionCli so tests run the same code in-process.
return Vision.Cli.VisionCli.Run(args, Console.Out, Console.Error);
