using Vision.nn;
using F = Vision.nn.functional;
using Mode = Vision.nn.InterpolationMode;

namespace Vision.Tests.Tensors;

public class FunctionalReferenceTests
{
    private static Tensor BatchNormStatistic(IReadOnlyDictionary<string, Tensor> i, bool mean)
    {
        var (rm, rv) = (i["rm"].clone(), i["rv"].clone());
        F.batch_norm(i["x"], rm, rv, i["g"], i["be"], training: true, momentum: 0.2, eps: 1e-3);
        return mean ? rm : rv;
    }

    private const string Prelude = """
        def bn_stat(mean):
            rm, rv = inp['rm'].clone(), inp['rv'].clone()
            F.batch_norm(x, rm, rv, g, be, training=True, momentum=0.2, eps=1e-3)
            return rm if mean else rv
        """;

    // nn.functional on x (2, 4, 7, 6) and friends; every input is float64 except the int64 class labels.
    private static readonly ReferenceCase[] Cases =
    [
        new("conv2d stride padding groups", "F.conv2d(x, w, b, stride=2, padding=1, groups=2)", i => F.conv2d(i["x"], i["w"], i["b"], stride: [2], padding: [1], groups: 2)),
        new("conv2d dilation", "F.conv2d(x, w2, None, stride=(1, 2), padding=(2, 1), dilation=2)", i => F.conv2d(i["x"], i["w2"], null, [1, 2], [2, 1], [2])),
        new("conv_transpose2d", "F.conv_transpose2d(x, wt, bt, stride=2, padding=1, output_padding=1, groups=2)",
            i => F.conv_transpose2d(i["x"], i["wt"], i["bt"], [2], [1], [1], 2)),
        new("conv_transpose2d dilation", "F.conv_transpose2d(x, wt[:, :, :2], None, stride=(1, 2), dilation=(2, 1), groups=2)",
            i => F.conv_transpose2d(i["x"], i["wt"][.., .., ..2], null, [1, 2], groups: 2, dilation: [2, 1])),
        new("batch_norm train", "F.batch_norm(x, rm.clone(), rv.clone(), g, be, training=True, momentum=0.2, eps=1e-3)",
            i => F.batch_norm(i["x"], i["rm"].clone(), i["rv"].clone(), i["g"], i["be"], training: true, momentum: 0.2, eps: 1e-3)),
        new("batch_norm running mean", "bn_stat(True)", i => BatchNormStatistic(i, true)),
        new("batch_norm running var", "bn_stat(False)", i => BatchNormStatistic(i, false)),
        new("batch_norm train no stats", "F.batch_norm(x, None, None, training=True)", i => F.batch_norm(i["x"], null, null, training: true)),
        new("batch_norm eval", "F.batch_norm(x, rm, rv, g, be, training=False)", i => F.batch_norm(i["x"], i["rm"], i["rv"], i["g"], i["be"])),
        new("layer_norm", "F.layer_norm(x, (7, 6), lw, lb, eps=1e-4)", i => F.layer_norm(i["x"], [7, 6], i["lw"], i["lb"], 1e-4)),
        new("layer_norm no affine", "F.layer_norm(x, (6,))", i => F.layer_norm(i["x"], [6])),
        new("group_norm", "F.group_norm(x, 2, g, be)", i => F.group_norm(i["x"], 2, i["g"], i["be"])),
        new("gelu", "F.gelu(x * 3)", i => F.gelu(i["x"] * 3)),
        new("gelu tanh", "F.gelu(x * 3, approximate='tanh')", i => F.gelu(i["x"] * 3, "tanh")),
        new("silu", "F.silu(x * 3)", i => F.silu(i["x"] * 3)),
        new("hardswish", "F.hardswish(x * 3)", i => F.hardswish(i["x"] * 3)),
        new("hardsigmoid", "F.hardsigmoid(x * 3)", i => F.hardsigmoid(i["x"] * 3)),
        new("max_pool2d ceil", "F.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True)", i => F.max_pool2d(i["x"], [3], [2], [1], ceil_mode: true)),
        new("max_pool2d dilation", "F.max_pool2d(x, (2, 3), stride=1, dilation=2)", i => F.max_pool2d(i["x"], [2, 3], [1], dilation: [2])),
        new("avg_pool2d", "F.avg_pool2d(x, 2)", i => F.avg_pool2d(i["x"], [2])),
        new("avg_pool2d exclude pad", "F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)",
            i => F.avg_pool2d(i["x"], [3], [2], [1], ceil_mode: true, count_include_pad: false)),
        new("adaptive_avg_pool2d", "F.adaptive_avg_pool2d(x, (3, 4))", i => F.adaptive_avg_pool2d(i["x"], 3, 4)),
        new("adaptive_max_pool2d", "F.adaptive_max_pool2d(x, 3)", i => F.adaptive_max_pool2d(i["x"], 3)),
        new("nearest size", "F.interpolate(x, size=(10, 9), mode='nearest')", i => F.interpolate(i["x"], [10, 9])),
        new("nearest scale", "F.interpolate(x, scale_factor=1.5, mode='nearest')", i => F.interpolate(i["x"], scale_factor: [1.5])),
        new("nearest downscale", "F.interpolate(x, scale_factor=(0.5, 0.7), mode='nearest')", i => F.interpolate(i["x"], scale_factor: [0.5, 0.7])),
        new("bilinear", "F.interpolate(x, size=(5, 11), mode='bilinear', align_corners=False)", i => F.interpolate(i["x"], [5, 11], mode: Mode.Bilinear, align_corners: false)),
        new("bilinear align_corners", "F.interpolate(x, size=(5, 11), mode='bilinear', align_corners=True)", i => F.interpolate(i["x"], [5, 11], mode: Mode.Bilinear, align_corners: true)),
        new("bilinear scale", "F.interpolate(x, scale_factor=(0.6, 1.7), mode='bilinear')", i => F.interpolate(i["x"], scale_factor: [0.6, 1.7], mode: Mode.Bilinear)),
        new("bicubic scale", "F.interpolate(x, scale_factor=2.3, mode='bicubic', align_corners=False)", i => F.interpolate(i["x"], scale_factor: [2.3], mode: Mode.Bicubic, align_corners: false)),
        new("bicubic align_corners", "F.interpolate(x, size=(9, 4), mode='bicubic', align_corners=True)", i => F.interpolate(i["x"], [9, 4], mode: Mode.Bicubic, align_corners: true)),
        new("bilinear antialias", "F.interpolate(x, size=(3, 4), mode='bilinear', antialias=True)", i => F.interpolate(i["x"], [3, 4], mode: Mode.Bilinear, antialias: true)),
        new("bicubic antialias", "F.interpolate(x, size=(4, 3), mode='bicubic', antialias=True, align_corners=False)",
            i => F.interpolate(i["x"], [4, 3], mode: Mode.Bicubic, align_corners: false, antialias: true)),
        new("bilinear antialias scale", "F.interpolate(x, scale_factor=0.45, mode='bilinear', antialias=True)",
            i => F.interpolate(i["x"], scale_factor: [0.45], mode: Mode.Bilinear, antialias: true)),
        new("pad constant", "F.pad(x, (1, 2, 0, 3), value=0.5)", i => F.pad(i["x"], [1, 2, 0, 3], value: 0.5)),
        new("pad reflect", "F.pad(x, (2, 1, 1, 2), mode='reflect')", i => F.pad(i["x"], [2, 1, 1, 2], "reflect")),
        new("pad replicate", "F.pad(x, (3, 0, 0, 1), mode='replicate')", i => F.pad(i["x"], [3, 0, 0, 1], "replicate")),
        new("pad circular", "F.pad(x, (1, 2, 2, 1), mode='circular')", i => F.pad(i["x"], [1, 2, 2, 1], "circular")),
        new("unfold", "F.unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1))", i => F.unfold(i["x"], [2, 3], [1, 2], [1], [2, 1])),
        new("one_hot", "F.one_hot(labels, 5)", i => F.one_hot(i["labels"], 5)),
        new("one_hot inferred", "F.one_hot(labels)", i => F.one_hot(i["labels"])),
        new("cross_entropy", "F.cross_entropy(logits, labels)", i => F.cross_entropy(i["logits"], i["labels"])),
        new("cross_entropy weight smoothing", "F.cross_entropy(logits, labels, weight=cw, label_smoothing=0.15)",
            i => F.cross_entropy(i["logits"], i["labels"], i["cw"], label_smoothing: 0.15)),
        new("cross_entropy none", "F.cross_entropy(logits, labels, weight=cw, reduction='none', label_smoothing=0.3)",
            i => F.cross_entropy(i["logits"], i["labels"], i["cw"], Reduction.None, label_smoothing: 0.3)),
        new("cross_entropy ignore_index", "F.cross_entropy(logits, labels, ignore_index=int(labels[0]), reduction='sum')",
            i => F.cross_entropy(i["logits"], i["labels"], reduction: Reduction.Sum, ignore_index: i["labels"][0].item<long>())),
        new("cross_entropy soft", "F.cross_entropy(logits, soft)", i => F.cross_entropy(i["logits"], i["soft"])),
        new("cross_entropy soft weight smoothing", "F.cross_entropy(logits, soft, weight=cw, label_smoothing=0.2)",
            i => F.cross_entropy(i["logits"], i["soft"], i["cw"], label_smoothing: 0.2)),
        new("cross_entropy 2d", "F.cross_entropy(x, seg, label_smoothing=0.1)", i => F.cross_entropy(i["x"], i["seg"], label_smoothing: 0.1)),
        new("nll_loss", "F.nll_loss(F.log_softmax(logits, 1), labels, weight=cw)", i => F.nll_loss(i["logits"].log_softmax(1), i["labels"], i["cw"])),
        new("nll_loss sum", "F.nll_loss(F.log_softmax(logits, 1), labels, reduction='sum')",
            i => F.nll_loss(i["logits"].log_softmax(1), i["labels"], reduction: Reduction.Sum)),
        new("bce with logits", "F.binary_cross_entropy_with_logits(logits, soft)", i => F.binary_cross_entropy_with_logits(i["logits"], i["soft"])),
        new("bce with logits pos_weight", "F.binary_cross_entropy_with_logits(logits * 4, soft, pos_weight=pw)",
            i => F.binary_cross_entropy_with_logits(i["logits"] * 4, i["soft"], pos_weight: i["pw"])),
        new("bce with logits weight none", "F.binary_cross_entropy_with_logits(logits, soft, weight=cw, pos_weight=pw, reduction='none')",
            i => F.binary_cross_entropy_with_logits(i["logits"], i["soft"], i["cw"], Reduction.None, i["pw"])),
        new("mse_loss", "F.mse_loss(logits, soft)", i => F.mse_loss(i["logits"], i["soft"])),
        new("mse_loss sum", "F.mse_loss(logits, soft, reduction='sum')", i => F.mse_loss(i["logits"], i["soft"], Reduction.Sum)),
        new("mse_loss none", "F.mse_loss(logits, soft, reduction='none')", i => F.mse_loss(i["logits"], i["soft"], Reduction.None)),
    ];

    [SkippableFact]
    public void FunctionalOpsMatchPyTorch()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new Generator(20240611);
        Tensor Randn(params long[] shape) => torch.randn(shape, torch.float64, generator: g);
        var inputs = new Dictionary<string, Tensor>
        {
            ["x"] = Randn(2, 4, 7, 6),
            ["w"] = Randn(6, 2, 3, 3),
            ["b"] = Randn(6),
            ["w2"] = Randn(3, 4, 3, 3),
            ["wt"] = Randn(4, 3, 3, 3),
            ["bt"] = Randn(6),
            ["rm"] = Randn(4),
            ["rv"] = torch.rand([4], torch.float64, generator: g) + 0.5,
            ["g"] = Randn(4),
            ["be"] = Randn(4),
            ["lw"] = Randn(7, 6),
            ["lb"] = Randn(7, 6),
            ["logits"] = Randn(6, 5),
            ["labels"] = torch.tensor(new long[] { 1, 0, 4, 4, 2, 3 }),
            ["cw"] = torch.rand([5], torch.float64, generator: g) + 0.5,
            ["soft"] = torch.rand([6, 5], torch.float64, generator: g).softmax(1),
            ["pw"] = torch.rand([5], torch.float64, generator: g) * 3,
            ["seg"] = torch.randint(0, 4, [2, 7, 6], generator: g),
        };
        ReferenceCase.AssertAll(Cases, inputs, 1e-10, Prelude);
    }
}
