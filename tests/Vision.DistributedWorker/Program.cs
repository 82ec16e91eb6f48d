using System.Globalization;
using System.Text.Json;
using Vision;
using Vision.Distributed;
using dist = Vision.torch.distributed;

// One rank of a distributed test, started by the tests with the torchrun environment (MASTER_ADDR, MASTER_PORT,
// RANK, WORLD_SIZE). It prints one JSON object with what it computed; the scenario is the first argument:
//   collectives   every collective on values that depend on the rank
//   peer-dies     the last rank exits right after joining; the others then all_reduce and must fail in time
//   ddp           DistributedDataParallel against a whole-batch reference (gradients, SGD steps, no_sync)
//   ddp-unused    a parameter without gradient, with and without find_unused_parameters (second argument)
//   syncbn        SyncBatchNorm against BatchNorm2d on the whole batch (outputs, gradients, running statistics)
// and, with the Engine's Trainer joining the group itself (TrainerScenarios; the work dir is the next argument):
//   trainer D A          N ranks against one process with the same global batch (A = accumulate_grad_batches)
//   evaluate D           distributed evaluation of the Fashion-MNIST test split against one process
//   train-until-killed D trains until the test kills a rank, then reports the failure
//   auto-scale-lr D      a config with auto_scale_lr: the lr the optimizer got
var scenario = args.Length > 0 ? args[0] : "collectives";
var timeout = TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable("VISION_DIST_TIMEOUT") ?? "30", CultureInfo.InvariantCulture));
if (Vision.DistributedWorker.TrainerScenarios.Handles(scenario))
{
    var outcome = new Dictionary<string, object>();
    var code = Vision.DistributedWorker.TrainerScenarios.Run(scenario, args[1..], timeout, outcome);
    Console.WriteLine(JsonSerializer.Serialize(outcome));
    return code;
}
using var group = dist.init_process_group("gloo", timeout: timeout);
var (rank, size) = (dist.get_rank(), dist.get_world_size());
var result = new Dictionary<string, object> { ["rank"] = rank, ["world_size"] = size };
using var scope = torch.NewDisposeScope();
switch (scenario)
{
    case "collectives":
        double[] Reduce(ReduceOp op)
        {
            var t = torch.tensor(new[] { rank + 1.0, -2.0 * (rank + 1), 0.5 });
            dist.all_reduce(t, op);
            return t.data<double>();
        }
        foreach (var op in Enum.GetValues<ReduceOp>())
        {
            result[$"all_reduce_{op}"] = Reduce(op);
        }
        var broadcast = torch.full([2, 2], rank * 10.0, dtype: ScalarType.Float64);
        dist.broadcast(broadcast, src: size - 1);
        result["broadcast"] = broadcast.data<double>();
        var gathered = Enumerable.Range(0, size).Select(_ => torch.zeros([3], dtype: ScalarType.Float64)).ToArray();
        dist.all_gather(gathered, torch.tensor(new[] { (double)rank, rank * rank, -rank }));
        result["all_gather"] = gathered.Select(t => t.data<double>()).ToArray();
        var output = torch.zeros([2], dtype: ScalarType.Float64);
        dist.reduce_scatter(output, Enumerable.Range(0, size).Select(i => torch.tensor(new[] { (double)(rank + i), rank * i })).ToArray());
        result["reduce_scatter"] = output.data<double>();
        dist.barrier();
        break;
    case "peer-dies":
        if (rank == size - 1)
        {
            // Leave without a word, as a killed process would (no destroy, no barrier).
            Environment.Exit(0);
        }
        var start = DateTime.UtcNow;
        try
        {
            dist.all_reduce(torch.ones(4));
            result["error"] = "";
        }
        catch (TorchException e)
        {
            result["error"] = e.Message;
        }
        result["seconds"] = (DateTime.UtcNow - start).TotalSeconds;
        break;
    case "ddp":
        Vision.DistributedWorker.TrainingScenarios.RunDdp(rank, size, result);
        break;
    case "ddp-unused":
        Vision.DistributedWorker.TrainingScenarios.RunUnused(rank, size, findUnused: args.Length > 1 && args[1] == "find", result);
        break;
    case "syncbn":
        Vision.DistributedWorker.TrainingScenarios.RunSyncBatchNorm(rank, size, result);
        break;
    default:
        Console.Error.WriteLine($"unknown scenario '{scenario}'");
        return 2;
}
Console.WriteLine(JsonSerializer.Serialize(result));
dist.destroy_process_group();
return 0;
