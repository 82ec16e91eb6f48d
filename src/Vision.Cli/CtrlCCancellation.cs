using System.Runtime.InteropServices;

namespace Vision.Cli;

// The CLI's own Ctrl-C and SIGTERM handling, in place of System.CommandLine's: the first Ctrl-C, and every SIGTERM
// (what `vision launch`, Slurm and Kubernetes send to stop a process), cancel the command's token, so a training run
// stops after its step and writes a checkpoint; a second Ctrl-C is left to end the process at once (exit 130).
// System.CommandLine's handler instead waits ProcessTerminationTimeout on each signal and then completes one
// TaskCompletionSource per signal, so two Ctrl-C within the timeout threw InvalidOperationException on the signal
// thread and aborted the process (exit 134), and a slow stop was cut short in the middle of writing a checkpoint.
internal sealed class CtrlCCancellation : IDisposable
{
    private readonly CancellationTokenSource source = new();
    private readonly PosixSignalRegistration interrupt;
    private readonly PosixSignalRegistration terminate;
    private int interrupts;

    public CtrlCCancellation()
    {
        interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnInterrupt);
        terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnTerminate);
    }

    public CancellationToken Token => source.Token;

    public void Dispose()
    {
        interrupt.Dispose();
        terminate.Dispose();
        source.Dispose();
    }

    private void OnInterrupt(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref interrupts) == 1)
        {
            context.Cancel = true;
            Cancel();
        }
    }

    private void OnTerminate(PosixSignalContext context)
    {
        context.Cancel = true;
        Cancel();
    }

    private void Cancel()
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The signal came as the command finished: there is nothing left to stop.
        }
    }
}
