namespace Vision.Engine.Evolve;

/// <summary>
/// An exclusive lock on a file shared by processes (and machines, over a shared folder): the file is held open with
/// <see cref="FileShare.None"/>, which .NET maps to an advisory <c>flock</c> on Unix and a share mode on Windows.
/// Waiting callers retry with a short randomised back-off.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private readonly FileStream stream;

    private FileLock(FileStream stream) => this.stream = stream;

    /// <summary>Takes the lock on <paramref name="path"/> (creating the file), waiting up to <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutException">Another holder kept the lock for the whole timeout (the message names the file).</exception>
    public static FileLock Acquire(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(Random.Shared.Next(5, 50));
            }
            catch (IOException e)
            {
                throw new TimeoutException($"could not lock {path} within {timeout.TotalSeconds:0} s; another evolve process holds it.", e);
            }
        }
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => stream.Dispose();
}
