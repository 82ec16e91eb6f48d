using System.CommandLine;
using Vision.Models.Weights;
using Vision.Serialization;

namespace Vision.Cli.Commands;

/// <summary>
/// <c>vision convert IN OUT [--map NAME]</c>: rewrites a state dict between PyTorch's <c>torch.save</c> format
/// (<c>.pth</c>/<c>.pt</c>/<c>.bin</c>) and safetensors, optionally renaming keys to Vision's with a
/// <see cref="CheckpointLayouts"/> key map, and says what it mapped, skipped and adapted. The input's format is
/// recognised by content; the output's by OUT's extension.
/// </summary>
public static class ConvertCommand
{
    private const string NoMap = "none";
    private const string AutoMap = "auto";
    private const int Examples = 3;

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var input = new Argument<string>("in") { Description = "The checkpoint to read: a torch.save file (.pth/.pt/.bin, any extension) or a .safetensors file." };
        var output = new Argument<string>("out") { Description = "The file to write: .safetensors, or .pth/.pt/.bin for a file torch.load reads." };
        var map = new Option<string>("--map")
        {
            Description = $"Key map: '{AutoMap}' (default: the layout the keys match, if any), '{NoMap}' (keep keys), or one of {string.Join(", ", CheckpointLayouts.All.Select(l => l.Name))}.",
            DefaultValueFactory = _ => AutoMap,
        };
        var command = new Command("convert", "Convert a checkpoint between PyTorch .pth and .safetensors, mapping its keys to Vision's.") { input, output, map };
        command.SetAction(result => Run(result.GetRequiredValue(input), result.GetRequiredValue(output), result.GetValue(map) ?? AutoMap, result.InvocationConfiguration.Output));
        return command;
    }

    private static int Run(string input, string output, string mapName, TextWriter console)
    {
        var writeTorch = Path.GetExtension(output).ToLowerInvariant() switch
        {
            ".safetensors" => false,
            ".pth" or ".pt" or ".bin" => true,
            var other => throw new ArgumentException($"OUT {output}: unknown extension '{other}'; use .safetensors, .pth, .pt or .bin."),
        };
        using var scope = torch.NewDisposeScope();
        var (tensors, adapted) = Read(input, console);
        var layout = mapName.ToLowerInvariant() switch
        {
            NoMap => null,
            AutoMap => CheckpointLayouts.Detect(tensors.Keys),
            _ => CheckpointLayouts.Get(mapName),
        };
        var converted = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var mapped = new List<string>();
        var skipped = new List<string>();
        foreach (var (key, tensor) in tensors)
        {
            var target = layout is null ? key : layout.KeyMap(key);
            if (target is null)
            {
                skipped.Add(key);
                continue;
            }
            if (!converted.TryAdd(target, tensor))
            {
                throw new ArgumentException($"--map {layout!.Name}: two keys of {input} map to '{target}'.");
            }
            if (target != key)
            {
                mapped.Add($"{key} -> {target}");
            }
        }
        console.WriteLine(layout is null
            ? $"Key map: none ({(mapName == NoMap ? "--map none" : "no known layout matched; keys kept")})"
            : $"Key map: {layout.Name} ({layout.Description})");
        Report(console, "Mapped", "keys", mapped);
        Report(console, "Skipped", "keys (dropped by the map)", skipped);
        Report(console, "Adapted", "tensors (strided or shared-storage views written as dense copies)", adapted);
        if (writeTorch)
        {
            TorchCheckpoint.Save(converted, output);
        }
        else
        {
            SafeTensors.Save(converted, output);
        }
        console.WriteLine($"Wrote {converted.Count} tensors to {output} ({(writeTorch ? "PyTorch zip, torch.load reads it" : "safetensors")}).");
        return 0;
    }

    // The tensors, and for a PyTorch file the keys whose tensors were not plain dense storages of their own.
    private static (Dictionary<string, Tensor> Tensors, List<string> Adapted) Read(string input, TextWriter console)
    {
        if (StateDictFile.Detect(input) != StateDictFormat.TorchZip)
        {
            var tensors = SafeTensors.Load(input);
            console.WriteLine($"Read {tensors.Count} tensors from {input} (safetensors).");
            return (tensors, []);
        }
        using var file = new TorchCheckpointFile(input);
        var where = file.StateDictLocation.Length == 0 ? "the whole file" : $"'{file.StateDictLocation}'";
        var others = file.Root is OrderedDictionary<object, object?> root && file.StateDictLocation.Length > 0
            ? root.Keys.Select(k => k.ToString()).Where(k => k != file.StateDictLocation).ToList()
            : [];
        console.WriteLine($"Read {file.StateDict.Count} tensors from {input} (PyTorch zip, state dict in {where})" +
            (others.Count > 0 ? $"; left out the other entries: {string.Join(", ", others)}." : "."));
        var storageUsers = file.StateDict.Values.GroupBy(i => i.StorageKey).ToDictionary(g => g.Key, g => g.Count());
        var adapted = file.StateDict.Where(e => storageUsers[e.Value.StorageKey] > 1 || e.Value.StorageOffset != 0 || !e.Value.IsContiguous).Select(e => e.Key).ToList();
        return (file.StateDict.ToDictionary(e => e.Key, e => file.GetTensor(e.Value), StringComparer.Ordinal), adapted);
    }

    private static void Report(TextWriter console, string verb, string what, List<string> items) =>
        console.WriteLine(items.Count == 0
            ? $"{verb} 0 {what}."
            : $"{verb} {items.Count} {what}: {string.Join(", ", items.Take(Examples))}{(items.Count > Examples ? $", ... ({items.Count - Examples} more)" : "")}.");
}
