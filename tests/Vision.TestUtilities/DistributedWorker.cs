using System.Net;
using System.Net.Sockets;

namespace Vision.TestUtilities;

/// <summary>What the multi-process tests need to start tests/Vision.DistributedWorker as rank processes.</summary>
public static class DistributedWorker
{
    /// <summary>
    /// The worker's assembly, built in the calling test assembly's configuration and framework
    /// (…/tests/Vision.DistributedWorker/bin/&lt;configuration&gt;/&lt;framework&gt;/Vision.DistributedWorker.dll).
    /// </summary>
    public static string Assembly
    {
        get
        {
            var here = AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar);
            return System.IO.Path.Combine(RepositoryPaths.Root, "tests", "Vision.DistributedWorker", "bin",
                System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(here)!), System.IO.Path.GetFileName(here), "Vision.DistributedWorker.dll");
        }
    }

    /// <summary>A loopback TCP port nobody listens on right now (for a rendezvous store).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
