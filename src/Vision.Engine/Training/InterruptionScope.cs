namespace Vision.Engine.Training;

// Turns the first Ctrl-C and the cancellation of a token into one graceful interruption for as long as training
// runs; a second Ctrl-C is left to terminate the process.
internal sealed class InterruptionScope : IDisposable
{
    private readonly Action<string> interrupt;
    private readonly CancellationTokenRegistration cancellation;
    private volatile bool interrupted;

    public InterruptionScope(CancellationToken cancellationToken, Action<string> interrupt)
    {
        this.interrupt = interrupt;
        cancellation = cancellationToken.Register(() => Interrupt("the cancellation token was cancelled"));
        Console.CancelKeyPress += OnCtrlC;
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCtrlC;
        cancellation.Dispose();
    }

    private void OnCtrlC(object? sender, ConsoleCancelEventArgs e)
    {
        if (!interrupted)
        {
            e.Cancel = true;
            Interrupt("Ctrl-C");
        }
    }

    private void Interrupt(string why)
    {
        interrupted = true;
        interrupt($"interrupted: {why}");
    }
}
