using System.Globalization;
using Vision.Analysis;
using Vision.Models.Analysis;
using Vision.Models.Registry;
using Vision.nn;
using Vision.Tests.Reference;

namespace Vision.Models.Tests;

public class SummaryTests
{
    [SkippableFact]
    public void MacsAndParametersEqualTorchvisionCountsAtTheirFigures()
    {
        // Count with forward hooks on torchvision's models, under the same conventions as MacCounter.
        var r = TorchReference.Run("""
            for name in ["resnet18", "resnet50"]:
                m = getattr(torchvision.models, name)().eval()
                total = [0]
                def hook(mod, args, y):
                    if isinstance(mod, torch.nn.Conv2d):
                        total[0] += y.numel() * mod.in_channels // mod.groups * mod.kernel_size[0] * mod.kernel_size[1]
                    elif isinstance(mod, torch.nn.Linear):
                        total[0] += y.numel() * mod.in_features
                for mod in m.modules():
                    mod.register_forward_hook(hook)
                with torch.no_grad():
                    m(torch.zeros(1, 3, 224, 224))
                out[name] = total[0]
            """);
        foreach (var (name, figure, parameters) in new[] { ("resnet18", 1.81, 11_689_512L), ("resnet50", 4.09, 25_557_032L) })
        {
            using var model = ModelRegistry.Create(name);
            var summary = ModelSummary.Create(model, 224);
            Assert.Equal(r.GetProperty(name).GetInt64(), summary.TotalMacs);
            // torchvision's model table lists these MAC counts as "GFLOPS".
            Assert.Equal(figure, Math.Round(summary.TotalMacs / 1e9, 2));
            Assert.Equal(parameters, summary.TotalParameters);
            Assert.Equal(parameters, summary.TrainableParameters);
            Assert.Equal(0, summary.UnattributedMacs);
        }
    }

    [Fact]
    public void RowsSplitParametersAndMacsByModule()
    {
        using var model = ModelRegistry.Create("resnet18", 10, overrides: new Dictionary<string, string> { ["frozen_stages"] = "1" });
        model.train();
        var summary = ModelSummary.Create(model, 64, max_depth: 2);
        Assert.True(model.training, "the model's mode was not restored");
        Assert.False(model.backbone.named_modules().First(m => m.name == "layer1").module.training, "a frozen stage left eval mode");

        var rows = summary.Rows.ToDictionary(r => r.Name);
        Assert.Equal(new[] { "", "backbone", "backbone.conv1", "backbone.bn1", "backbone.relu", "backbone.maxpool", "backbone.layer1", "backbone.layer2",
            "backbone.layer3", "backbone.layer4", "neck", "head", "head.fc", "loss_module" }, summary.Rows.Select(r => r.Name));
        // At 64 px the stem convolution yields 64 × 32 × 32 outputs of 3 · 7 · 7 products each; the head 10 of 512.
        Assert.Equal(64L * 32 * 32 * 3 * 49, rows["backbone.conv1"].Macs);
        Assert.Equal(10L * 512, rows["head"].Macs);
        Assert.Equal(0, rows["neck"].Macs);
        Assert.Equal(summary.TotalMacs, rows["backbone"].Macs + rows["head"].Macs);
        Assert.Equal(summary.TotalMacs, summary.Rows.Where(r => r.Depth == 2).Sum(r => r.Macs));
        Assert.Equal(512L * 10 + 10, rows["head"].Parameters);
        // Frozen: the stem (conv1 9,408 + bn1 128) and layer1 (147,968).
        Assert.Equal(9_408L + 128 + 147_968, summary.TotalParameters - summary.TrainableParameters);
        Assert.Equal(0, rows["backbone.layer1"].TrainableParameters);

        var text = summary.ToString();
        Assert.Contains("ImageClassifier, input [1, 3, 64, 64]", text);
        Assert.Contains(text.Split('\n'), line => line.StartsWith("  backbone.layer4 ", StringComparison.Ordinal) && line.Contains("Sequential", StringComparison.Ordinal));
        Assert.Contains("Total params: " + summary.TotalParameters.ToString("N0", CultureInfo.InvariantCulture), text);
    }

    // A module reporting MACs of an op without weights, as attention reports its matmuls.
    private sealed class Reporting : Module<Tensor, Tensor>
    {
        public override Tensor forward(Tensor input)
        {
            MacCounter.Add(123, this);
            MacCounter.Add(7);
            return input.alias();
        }
    }

    private sealed class Outer : Module<Tensor, Tensor>
    {
        private readonly Reporting inner;

        public Outer() => inner = register_module("inner", new Reporting());

        public override Tensor forward(Tensor input) => inner.forward(input);
    }

    [Fact]
    public void ModulesReportTheirOwnMacs()
    {
        using var model = new Outer();
        var summary = ModelSummary.Create(model, 8);
        Assert.Equal(123, summary.Rows.Single(r => r.Name == "inner").Macs);
        Assert.Equal(7, summary.UnattributedMacs);
        Assert.Equal(130, summary.TotalMacs);
        Assert.Contains("(not attributed)", summary.ToString());

        // Outside a counter, reporting does nothing; nested counters see only their own span.
        MacCounter.Add(1_000);
        using var outer = MacCounter.Start();
        MacCounter.Add(5);
        using (var inner = MacCounter.Start())
        {
            MacCounter.Add(2);
            Assert.Equal(2, inner.Total);
        }
        Assert.Equal(5, outer.Total);
    }
}
