using System.CommandLine;
using Vision.Cli.Launch;

namespace Vision.Cli.Commands;

/// <summary>
/// <c>vision launch --nproc-per-node N [--nnodes M --node-rank R --master-addr A --master-port P] -- command…</c>:
/// starts this node's ranks of a distributed job with the torchrun environment contract (see <see cref="RankLauncher"/>).
/// Any program that reads that contract can be launched, <c>vision train</c> among them; Slurm (<c>srun</c>) and
/// Kubernetes PyTorchJob-style schedulers can set the same variables themselves and start the ranks without it.
/// </summary>
public static class LaunchCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var perNode = new Option<int>("--nproc-per-node") { Description = "Processes (ranks) to start on this node.", DefaultValueFactory = _ => 1 }.MustBePositive();
        var nodes = new Option<int>("--nnodes") { Description = "Nodes in the job.", DefaultValueFactory = _ => 1 }.MustBePositive();
        var nodeRank = new Option<int>("--node-rank") { Description = "This node's index, 0 … nnodes-1.", DefaultValueFactory = _ => 0 }.MustNotBeNegative();
        var address = new Option<string>("--master-addr") { Description = "Address of the node that runs rank 0.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--master-port") { Description = "Free port on that node for the rendezvous store.", DefaultValueFactory = _ => 29500 }.MustBePositive();
        var stopTimeout = new Option<double>("--stop-timeout")
        {
            Description = "Seconds the other ranks get to exit after one failed, before they are killed.",
            DefaultValueFactory = _ => 5,
        };
        var program = new Argument<string[]>("command")
        {
            Description = "The program and its arguments, after '--' ('vision' is this tool), e.g. -- vision train cfg.json.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("launch", "Start the ranks of a distributed (DDP) job on this node, like torchrun.")
        {
            perNode, nodes, nodeRank, address, port, stopTimeout, program,
        };
        command.SetAction((result, cancellationToken) =>
        {
            var options = new LaunchOptions
            {
                ProcessesPerNode = result.GetValue(perNode),
                Nodes = result.GetValue(nodes),
                NodeRank = result.GetValue(nodeRank),
                MasterAddress = result.GetRequiredValue(address),
                MasterPort = result.GetValue(port),
                StopTimeout = TimeSpan.FromSeconds(result.GetValue(stopTimeout)),
            };
            if (options.NodeRank >= options.Nodes)
            {
                throw new ArgumentException($"--node-rank {options.NodeRank} must be below --nnodes {options.Nodes}.");
            }
            if (options.MasterPort > 65535)
            {
                throw new ArgumentException($"--master-port must be in 1..65535, got {options.MasterPort}.");
            }
            var launcher = new RankLauncher(options, result.InvocationConfiguration.Output, result.InvocationConfiguration.Error);
            return Task.FromResult(launcher.Run(result.GetRequiredValue(program), cancellationToken));
        });
        return command;
    }
}
