namespace Vision.Serialization;

/// <summary>
/// Reads a state-dict file whatever its format, recognised by content rather than extension: a <c>torch.save</c>
/// zip checkpoint (<c>.pth</c>, <c>.pt</c>, <c>.bin</c>; see <see cref="TorchCheckpoint"/>) or a safetensors file.
/// Every weight-loading path of Vision (pretrained weights, <c>load_from</c>, trainer and CLI checkpoints) reads
/// files through here, so each accepts both. Pre-1.6 PyTorch files get a message saying how to re-save them.
/// </summary>
public static class StateDictFile
{
    /// <summary>Reads every tensor of the state dict in <paramref name="path"/> into new CPU tensors (registered with the current dispose scope, if any).</summary>
    /// <exception cref="InvalidDataException">The file is damaged, refused, or in no format Vision reads (the message names the file).</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public static Dictionary<string, Tensor> Load(string path) =>
        Detect(path) == StateDictFormat.TorchZip ? TorchCheckpoint.Load(path) : SafeTensors.Load(path);

    /// <summary>The state dict's keys, reading no tensor data.</summary>
    /// <exception cref="InvalidDataException">The file is damaged, refused, or in no format Vision reads.</exception>
    public static IReadOnlyList<string> ReadKeys(string path)
    {
        if (Detect(path) == StateDictFormat.TorchZip)
        {
            using var torchFile = new TorchCheckpointFile(path);
            return torchFile.StateDict.Keys.ToList();
        }
        using var file = new SafeTensorsFile(path);
        return file.Keys;
    }

    /// <summary>The format of <paramref name="path"/> by its first bytes: a zip archive is a torch checkpoint, anything else is taken for safetensors (whose reader validates it).</summary>
    /// <exception cref="InvalidDataException">The file is a legacy (before torch 1.6) checkpoint.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public static StateDictFormat Detect(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"No state-dict file at '{full}'.", full);
        }
        Span<byte> head = stackalloc byte[512];
        int read;
        using (var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        head = head[..read];
        if (head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8))
        {
            return StateDictFormat.TorchZip;
        }
        // torch.save before 1.6 (or with _use_new_zipfile_serialization=False) writes a bare pickle stream after a
        // protocol-2 magic number; torch before 0.4 wrote a tar archive ("ustar" at byte 257).
        var legacyPickle = head.Length >= 2 && head[0] == 0x80 && head[1] == 2;
        var tar = head.Length >= 262 && head[257..262].SequenceEqual("ustar"u8);
        if (legacyPickle || tar)
        {
            throw new InvalidDataException(
                $"'{full}' is a legacy PyTorch checkpoint ({(tar ? "tar" : "pre-1.6 pickle")} format), which Vision does not read. " +
                "Re-save it with torch >= 1.6: python3 -c \"import torch; torch.save(torch.load('OLD'), 'NEW.pth')\".");
        }
        return StateDictFormat.SafeTensors;
    }
}
