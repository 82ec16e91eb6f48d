namespace Vision;

/// <summary>Where a tensor lives, as torch.device: a type and an optional index ("cpu", "cuda:1").</summary>
/// <param name="Type">The kind of device.</param>
/// <param name="Index">The device ordinal, or -1 for "the current one".</param>
public readonly record struct Device(DeviceType Type, int Index = -1)
{
    /// <summary>The host processor.</summary>
    public static readonly Device CPU = new(DeviceType.CPU);

    /// <summary>The CUDA device with the given ordinal.</summary>
    public static Device CUDA(int index = 0) => new(DeviceType.CUDA, index);

    /// <summary>Parses "cpu", "cuda" or "cuda:N" as torch.device does.</summary>
    public static Device Parse(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split(':');
        var type = parts[0] switch
        {
            "cpu" => DeviceType.CPU,
            "cuda" => DeviceType.CUDA,
            _ => throw new ArgumentException($"Unknown device '{text}': expected 'cpu', 'cuda' or 'cuda:N'.", nameof(text)),
        };
        if (parts.Length == 1)
        {
            return new Device(type);
        }
        if (parts.Length == 2 && int.TryParse(parts[1], out var index) && index >= 0)
        {
            return new Device(type, index);
        }
        throw new ArgumentException($"Invalid device index in '{text}': expected 'cuda:N' with N >= 0.", nameof(text));
    }

    /// <inheritdoc />
    public override string ToString() =>
        (Type == DeviceType.CPU ? "cpu" : "cuda") + (Index >= 0 ? $":{Index}" : "");
}
