using Vision.nn;
using F = Vision.nn.functional;
using Mode = Vision.nn.InterpolationMode;

namespace Vision.Tests.Autograd;

public class GradCheckTests
{
    private static Tensor Labels() => torch.tensor(new long[] { 2, 0, 3, 3, 1 });
    private static Tensor ClassWeights() => torch.tensor(new double[] { 0.5, 2, 1, 1.5 });

    // Each op, the shapes of the inputs it is differentiated against, and the op itself.
    public static TheoryData<string, long[][], Func<Tensor[], Tensor>> Ops => new()
    {
        { "conv2d stride padding", [[2, 3, 6, 5], [4, 3, 3, 3], [4]], t => F.conv2d(t[0], t[1], t[2], stride: [2, 1], padding: [1]) },
        { "conv2d dilation groups", [[1, 4, 7, 6], [6, 2, 2, 3], [6]], t => F.conv2d(t[0], t[1], t[2], padding: [2, 1], dilation: [2], groups: 2) },
        { "linear", [[3, 4], [5, 4], [5]], t => F.linear(t[0], t[1], t[2]) },
        { "linear batched no bias", [[2, 3, 4], [2, 4]], t => F.linear(t[0], t[1]) },
        { "layer_norm", [[2, 3, 4], [3, 4], [3, 4]], t => F.layer_norm(t[0], [3, 4], t[1], t[2]) },
        { "batch_norm training", [[4, 3, 2, 2], [3], [3]], t => F.batch_norm(t[0], null, null, t[1], t[2], training: true) },
        { "batch_norm training 2d", [[5, 3], [3], [3]], t => F.batch_norm(t[0], null, null, t[1], t[2], training: true, eps: 1e-3) },
        { "cross_entropy weights smoothing", [[5, 4]], t => F.cross_entropy(t[0], Labels(), ClassWeights(), label_smoothing: 0.2) },
        { "cross_entropy none", [[5, 4]], t => F.cross_entropy(t[0], Labels(), ClassWeights(), Reduction.None, label_smoothing: 0.1) },
        { "cross_entropy soft targets", [[5, 4], [5, 4]], t => F.cross_entropy(t[0], t[1].softmax(1)) },
        { "cross_entropy soft weights smoothing", [[5, 4], [5, 4]], t => F.cross_entropy(t[0], t[1].softmax(1), ClassWeights(), label_smoothing: 0.3) },
        { "bilinear", [[1, 2, 4, 5]], t => F.interpolate(t[0], [7, 3], mode: Mode.Bilinear, align_corners: false) },
        { "bilinear align_corners", [[1, 2, 4, 5]], t => F.interpolate(t[0], [7, 3], mode: Mode.Bilinear, align_corners: true) },
        { "bicubic", [[1, 2, 4, 5]], t => F.interpolate(t[0], scale_factor: [1.7], mode: Mode.Bicubic, align_corners: false) },
        { "bicubic align_corners", [[1, 1, 4, 5]], t => F.interpolate(t[0], [6, 8], mode: Mode.Bicubic, align_corners: true) },
        { "nearest", [[1, 2, 4, 5]], t => F.interpolate(t[0], [6, 3]) },
    };

    [Theory]
    [MemberData(nameof(Ops))]
    public void GradientsMatchFiniteDifferences(string name, long[][] shapes, Func<Tensor[], Tensor> op)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(2024);
        var inputs = shapes.Select(s => torch.randn(s, torch.float64, generator: generator)).ToArray();
        GradCheck.Check(name, op, inputs);
    }

    [Fact]
    public void GradCheckCatchesAWrongGradient()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.randn([3], torch.float64);
        // A hook that doubles the gradient makes autograd disagree with the finite differences.
        Tensor Doubled(Tensor[] t)
        {
            var y = t[0] * 1;
            if (torch.is_grad_enabled())
            {
                y.register_hook(g => g * 2);
            }
            return y.sin();
        }
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => GradCheck.Check("doubled", Doubled, [x]));
    }
}
