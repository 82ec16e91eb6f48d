using System.Text.Json.Nodes;

namespace Vision.Engine.Evolve;

/// <summary>
/// The default search space for image classification, after YOLOv5's <c>meta</c> table (gains and bounds) with the
/// keys of MMPreTrain-style configs. A default applies only where the configuration sets the value it mutates (a
/// run without Mixup has no Mixup alpha to evolve); add a value to the config to have it searched.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>name</term><description>config path · gain · bounds</description></listheader>
/// <item><term>lr</term><description><c>optim_wrapper:optimizer:lr</c> · 1 · [1e-5, 1]</description></item>
/// <item><term>momentum</term><description><c>optim_wrapper:optimizer:momentum</c> · 0.3 · [0.6, 0.98]</description></item>
/// <item><term>beta1</term><description><c>optim_wrapper:optimizer:betas:0</c> · 0.3 · [0.6, 0.98]</description></item>
/// <item><term>weight_decay</term><description><c>optim_wrapper:optimizer:weight_decay</c> · 1 · [0, 0.1]</description></item>
/// <item><term>warmup_epochs</term><description>the first <c>LinearLR</c>'s <c>end</c> (and the <c>begin</c> of schedulers starting there) · 1 · [1, 5], whole numbers</description></item>
/// <item><term>label_smoothing</term><description><c>model:loss:label_smoothing</c> · 1 · [0, 0.3]</description></item>
/// <item><term>mixup_alpha, cutmix_alpha</term><description><c>batch_augment:mixup_alpha</c>, <c>batch_augment:cutmix_alpha</c> · 1 · [0, 2]</description></item>
/// <item><term>randaugment_magnitude</term><description>the training pipeline's <c>RandAugment</c> <c>magnitude</c> · 1 · [0, 10]</description></item>
/// <item><term>erasing_prob</term><description>the training pipeline's <c>RandomErasing</c> <c>probability</c> · 1 · [0, 1]</description></item>
/// <item><term>ema_decay</term><description>the <c>EMAHook</c>'s <c>decay</c> in <c>custom_hooks</c> · 0.3 · [0.9, 0.99999]</description></item>
/// <item><term>drop_path_rate, drop_rate</term><description><c>model:drop_path_rate</c>, <c>model:drop_rate</c> · 1 · [0, 0.5]</description></item>
/// </list>
/// As in YOLOv5, mutation is multiplicative, so a value of 0 in the configuration stays 0.
/// </remarks>
public static class ClassificationSearchSpace
{
    /// <summary>The default hyperparameters that apply to <paramref name="config"/> (a merged configuration tree).</summary>
    public static IReadOnlyList<HyperParameter> For(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var all = new List<HyperParameter?>
        {
            Fixed("lr", "optim_wrapper:optimizer:lr", 1, 1e-5, 1),
            Fixed("momentum", "optim_wrapper:optimizer:momentum", 0.3, 0.6, 0.98),
            Fixed("beta1", "optim_wrapper:optimizer:betas:0", 0.3, 0.6, 0.98),
            Fixed("weight_decay", "optim_wrapper:optimizer:weight_decay", 1, 0, 0.1),
            Warmup(config),
            Fixed("label_smoothing", "model:loss:label_smoothing", 1, 0, 0.3),
            Fixed("mixup_alpha", "batch_augment:mixup_alpha", 1, 0, 2),
            Fixed("cutmix_alpha", "batch_augment:cutmix_alpha", 1, 0, 2),
            InList(config, "randaugment_magnitude", "train_dataloader:pipeline", "RandAugment", "magnitude", 1, 0, 10),
            InList(config, "erasing_prob", "train_dataloader:pipeline", "RandomErasing", "probability", 1, 0, 1),
            InList(config, "ema_decay", "custom_hooks", "EMAHook", "decay", 0.3, 0.9, 0.99999),
            Fixed("drop_path_rate", "model:drop_path_rate", 1, 0, 0.5),
            Fixed("drop_rate", "model:drop_rate", 1, 0, 0.5),
        };
        return [.. all.OfType<HyperParameter>().Where(p => ConfigTree.Number(config, p.Paths[0]) is not null)];
    }

    private static HyperParameter Fixed(string name, string path, double gain, double low, double high) => new(name, [path], gain, low, high);

    // The warm-up is the first LinearLR; schedulers that begin where it ends move with it.
    private static HyperParameter? Warmup(JsonObject config)
    {
        if (ConfigTree.Find(config, "param_scheduler") is not JsonArray schedulers
            || IndexOfType(schedulers, "LinearLR") is not { } index
            || ConfigTree.Number(config, $"param_scheduler:{index}:end") is not { } end)
        {
            return null;
        }
        var paths = new List<string> { $"param_scheduler:{index}:end" };
        for (var i = 0; i < schedulers.Count; i++)
        {
            if (i != index && ConfigTree.Number(config, $"param_scheduler:{i}:begin") == end)
            {
                paths.Add($"param_scheduler:{i}:begin");
            }
        }
        return new HyperParameter("warmup_epochs", paths, 1, 1, 5, IsInteger: true);
    }

    private static HyperParameter? InList(JsonObject config, string name, string listPath, string type, string key, double gain, double low, double high) =>
        ConfigTree.Find(config, listPath) is JsonArray items && IndexOfType(items, type) is { } index
            ? new HyperParameter(name, [$"{listPath}:{index}:{key}"], gain, low, high)
            : null;

    private static int? IndexOfType(JsonArray items, string type)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is JsonObject item && item.TryGetPropertyValue("type", out var value) && value is JsonValue v
                && v.TryGetValue<string>(out var text) && string.Equals(text, type, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return null;
    }
}
