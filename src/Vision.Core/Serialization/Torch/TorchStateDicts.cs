namespace Vision.Serialization;

/// <summary>Finds the model's state dict inside an unpickled checkpoint (see <see cref="TorchCheckpointFile.StateDict"/>).</summary>
internal static class TorchStateDicts
{
    // Keys under which training frameworks nest the model's weights, in the order they are tried.
    private static readonly string[] Wrappers = ["state_dict", "model", "module"];

    private const string DataParallelPrefix = "module.";

    /// <summary>The flattened tensors of the state dict in <paramref name="root"/>, and the wrapper key it was under ("" for none).</summary>
    internal static (IReadOnlyDictionary<string, TorchTensorInfo> Tensors, string Location) Locate(object? root)
    {
        if (root is OrderedDictionary<object, object?> dict)
        {
            foreach (var wrapper in Wrappers)
            {
                if (dict.TryGetValue(wrapper, out var inner) && inner is OrderedDictionary<object, object?> or List<object?>)
                {
                    var nested = Flatten(inner);
                    if (nested.Count > 0)
                    {
                        return (StripDataParallel(nested), wrapper);
                    }
                }
            }
        }
        return (StripDataParallel(Flatten(root)), "");
    }

    private static Dictionary<string, TorchTensorInfo> Flatten(object? root)
    {
        var result = new Dictionary<string, TorchTensorInfo>(StringComparer.Ordinal);
        void Visit(object? value, string key)
        {
            switch (value)
            {
                case TorchTensorInfo tensor:
                    result[key] = tensor;
                    break;
                case OrderedDictionary<object, object?> d:
                    foreach (var (k, v) in d)
                    {
                        Visit(v, Join(key, Convert.ToString(k, System.Globalization.CultureInfo.InvariantCulture) ?? ""));
                    }
                    break;
                case List<object?> or object?[]:
                    var i = 0;
                    foreach (var v in (IEnumerable<object?>)value)
                    {
                        Visit(v, Join(key, (i++).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    }
                    break;
            }
        }
        Visit(root, "");
        return result;
    }

    private static string Join(string prefix, string key) => prefix.Length == 0 ? key : prefix + "." + key;

    private static Dictionary<string, TorchTensorInfo> StripDataParallel(Dictionary<string, TorchTensorInfo> tensors) =>
        tensors.Count > 0 && tensors.Keys.All(k => k.StartsWith(DataParallelPrefix, StringComparison.Ordinal))
            ? tensors.ToDictionary(e => e.Key[DataParallelPrefix.Length..], e => e.Value, StringComparer.Ordinal)
            : tensors;
}
