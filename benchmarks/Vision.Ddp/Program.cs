using System.Diagnostics;
using System.Globalization;
using Vision;
using Vision.Engine.Optim;
using Vision.Models.Registry;
using Vision.nn;
using Vision.nn.parallel;

// Data-parallel training throughput: resnet18 steps (forward, backward, SGD) on random data, one process or one rank
// of a DDP job started by `vision launch` (WORLD_SIZE set). The global batch is split over the ranks; rank 0 prints
// the global images per second. benchmarks/pytorch/ddp_step.py is the PyTorch side; benchmarks/run_ddp.sh runs both.
//   dotnet benchmarks/Vision.Ddp/bin/Release/net10.0/Vision.Ddp.dll [GLOBAL_BATCH] [SIZE] [STEPS]
var globalBatch = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 32;
var size = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 64;
var steps = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
const int Warmup = 3;
var distributed = Environment.GetEnvironmentVariable("WORLD_SIZE") is not null;
if (distributed)
{
    torch.distributed.init_process_group("gloo");
}
var (rank, world) = (torch.distributed.get_rank(), torch.distributed.get_world_size());
Vision.Threading.IntraOpThreads.Configure(null);
torch.manual_seed(0);
using var model = ModelRegistry.Create("resnet18", 1000, size);
using var ddp = distributed ? new DistributedDataParallel(model) : null;
Module<Tensor, Tensor> trained = ddp is null ? model : ddp;
using var optimizer = new SGD(model.parameters(), lr: 0.01, momentum: 0.9);
var perRank = globalBatch / world;
using var images = torch.randn(perRank, 3, size, size);
using var labels = torch.randint(0, 1000, [perRank]);
var clock = new Stopwatch();
for (var step = 0; step < Warmup + steps; step++)
{
    if (step == Warmup)
    {
        clock.Start();
    }
    using var scope = torch.NewDisposeScope();
    optimizer.zero_grad();
    Vision.nn.functional.cross_entropy(trained.forward(images), labels).backward();
    optimizer.step();
}
clock.Stop();
if (rank == 0)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Vision {(distributed ? "DDP" : "single")}: {world} process(es) x {torch.get_num_threads()} thread(s), global batch {perRank * world}, {size} px: {perRank * world * steps / clock.Elapsed.TotalSeconds:F1} images/s"));
}
torch.distributed.destroy_process_group();
return 0;
