using System.Globalization;
using System.Text;
using Vision.Analysis;
using Vision.nn;

namespace Vision.Models.Analysis;

/// <summary>
/// Parameters (total and trainable) and multiply-accumulates (MACs) per module and in total, as torchinfo or
/// fvcore report them. MACs come from one forward pass in eval mode without gradients on a zero input of the given
/// shape, counted by <see cref="MacCounter"/> (convolutions and linear layers, plus whatever modules report, such as
/// attention matmuls), so they hold for that input size. ResNet-50 at 224 px: 4.09 GMACs, torchvision's "GFLOPS".
/// </summary>
public sealed class ModelSummary
{
    private ModelSummary(long[] inputShape, IReadOnlyList<ModelSummaryRow> rows, long unattributedMacs)
    {
        InputShape = inputShape;
        Rows = rows;
        UnattributedMacs = unattributedMacs;
    }

    /// <summary>The input shape the MACs were counted for, (1, C, H, W).</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <summary>The model (first, depth 0) and its modules down to the requested depth, in module order.</summary>
    public IReadOnlyList<ModelSummaryRow> Rows { get; }

    /// <summary>All parameter elements.</summary>
    public long TotalParameters => Rows[0].Parameters;

    /// <summary>Parameter elements that require gradients.</summary>
    public long TrainableParameters => Rows[0].TrainableParameters;

    /// <summary>All MACs of one forward pass of one image.</summary>
    public long TotalMacs => Rows[0].Macs;

    /// <summary>MACs reported without naming a module (part of <see cref="TotalMacs"/>, in no other row).</summary>
    public long UnattributedMacs { get; }

    /// <summary>
    /// Summarises <paramref name="model"/> for one image of <paramref name="image_size"/>² pixels, listing modules down to
    /// <paramref name="max_depth"/> levels (1: the model's children, e.g. backbone/neck/head). The model's train/eval
    /// modes are restored afterwards and its state is not changed.
    /// </summary>
    public static ModelSummary Create<TOut>(Module<Tensor, TOut> model, long image_size = 224, long in_channels = 3, int max_depth = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(image_size);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(in_channels);
        ArgumentOutOfRangeException.ThrowIfNegative(max_depth);
        long[] shape = [1, in_channels, image_size, image_size];
        var modules = model.named_modules().ToList();

        // Every weight belongs to the module that registered it; MACs charged to a weight go to that module.
        var ownerName = new Dictionary<object, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, module) in modules)
        {
            ownerName[module] = name;
            foreach (var (_, parameter) in module.named_parameters(recurse: false))
            {
                ownerName.TryAdd(parameter, name);
            }
        }

        var modes = modules.Select(m => m.module.training).ToList();
        MacCounter counter;
        try
        {
            model.eval();
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            using (counter = MacCounter.Start())
            {
                model.forward(torch.zeros(shape, model.parameters().FirstOrDefault()?.dtype ?? torch.float32, model.parameters().FirstOrDefault()?.device));
            }
        }
        finally
        {
            // Parents first, so each module ends in its own former mode (train() recurses).
            for (var i = 0; i < modules.Count; i++)
            {
                modules[i].module.train(modes[i]);
            }
        }

        var macsByModule = new Dictionary<string, long>(StringComparer.Ordinal);
        var unattributed = counter.UnattributedMacs;
        foreach (var (owner, macs) in counter.ByOwner)
        {
            if (ownerName.TryGetValue(owner, out var name))
            {
                macsByModule[name] = macsByModule.GetValueOrDefault(name) + macs;
            }
            else
            {
                unattributed += macs;
            }
        }

        var rows = new List<ModelSummaryRow>();
        foreach (var (name, module) in modules)
        {
            var depth = name.Length == 0 ? 0 : name.Count(c => c == '.') + 1;
            if (depth > max_depth)
            {
                continue;
            }
            var parameters = module.parameters().ToList();
            var prefix = name + ".";
            var macs = macsByModule.Where(m => depth == 0 || m.Key == name || m.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(m => m.Value);
            rows.Add(new ModelSummaryRow(name, TypeName(module), depth,
                parameters.Sum(p => p.numel()), parameters.Where(p => p.requires_grad).Sum(p => p.numel()),
                depth == 0 ? macs + unattributed : macs));
        }
        return new ModelSummary(shape, rows, unattributed);
    }

    /// <summary>The summary as a text table: one line per module (indented by depth), then the totals.</summary>
    public override string ToString()
    {
        var lines = Rows.Skip(1).Select(r => (Name: new string(' ', 2 * (r.Depth - 1)) + r.Name, r.Type, Params: FormatCount(r.Parameters), Trainable: FormatCount(r.TrainableParameters), Macs: FormatMacs(r.Macs))).ToList();
        if (UnattributedMacs > 0)
        {
            lines.Add(("(not attributed)", "", "", "", FormatMacs(UnattributedMacs)));
        }
        (string Name, string Type, string Params, string Trainable, string Macs) header = ("Module", "Type", "Params", "Trainable", "MACs");
        var all = lines.Prepend(header).ToList();
        var w = new[]
        {
            all.Max(l => l.Name.Length), all.Max(l => l.Type.Length), all.Max(l => l.Params.Length), all.Max(l => l.Trainable.Length), all.Max(l => l.Macs.Length),
        };
        string Format((string Name, string Type, string Params, string Trainable, string Macs) l) =>
            $"{l.Name.PadRight(w[0])}  {l.Type.PadRight(w[1])}  {l.Params.PadLeft(w[2])}  {l.Trainable.PadLeft(w[3])}  {l.Macs.PadLeft(w[4])}";
        var rule = new string('-', w.Sum() + 8);
        var text = new StringBuilder();
        text.AppendLine($"{Rows[0].Type}, input [{string.Join(", ", InputShape)}]");
        text.AppendLine(rule).AppendLine(Format(header)).AppendLine(rule);
        foreach (var line in lines)
        {
            text.AppendLine(Format(line));
        }
        text.AppendLine(rule);
        text.AppendLine($"Total params: {FormatCount(TotalParameters)}");
        text.AppendLine($"Trainable params: {FormatCount(TrainableParameters)}");
        text.AppendLine($"Non-trainable params: {FormatCount(TotalParameters - TrainableParameters)}");
        text.Append($"MACs: {FormatMacs(TotalMacs)} ({TotalMacs.ToString("N0", CultureInfo.InvariantCulture)})");
        return text.ToString();
    }

    /// <summary>A parameter count as the summary prints it, with thousands separators: 11,689,512.</summary>
    public static string FormatCount(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A MAC count as the summary prints it, in G from 10⁹ and M below: "1.82 G", "86.07 M".</summary>
    public static string FormatMacs(long n) => n >= 1_000_000_000
        ? (n / 1e9).ToString("0.00", CultureInfo.InvariantCulture) + " G"
        : (n / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " M";

    private static string TypeName(Module module)
    {
        var name = module.GetType().Name;
        var tick = name.IndexOf('`');
        return tick < 0 ? name : name[..tick];
    }
}
