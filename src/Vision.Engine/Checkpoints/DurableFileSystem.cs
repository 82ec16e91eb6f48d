using System.Runtime.InteropServices;

namespace Vision.Engine.Checkpoints;

/// <summary>
/// fsync for folders, which .NET lacks: after a rename, the folder entry itself must reach the disk, or a power loss
/// can forget the rename even though the file data is safe.
/// </summary>
internal static partial class DurableFileSystem
{
    /// <summary>Flushes the entries of <paramref name="directory"/> to disk (POSIX only; Windows commits renames itself).</summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }
        var fd = open(directory, 0);
        if (fd < 0)
        {
            throw new IOException($"Cannot open folder '{directory}' to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }
        try
        {
            // Some file systems (tmpfs, certain network mounts) cannot fsync a folder; their renames are as durable as they get.
            _ = fsync(fd);
        }
        finally
        {
            _ = close(fd);
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
