using Vision.Tests.Reference;
using F = Vision.nn.functional;

namespace Vision.Tests;

public class SmokeTests
{
    [Fact]
    public void AddsTwoTensors()
    {
        using var a = torch.tensor(new float[] { 1, 2, 3 });
        using var b = torch.tensor(new float[] { 10, 20, 30 });
        using var c = a + b;
        Assert.Equal(new float[] { 11, 22, 33 }, c.data<float>());
    }

    [Fact]
    public void MatmulShapeMismatchNamesBothShapes()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.ones(2, 3);
        var b = torch.ones(4, 5);
        var e = Assert.Throws<TorchException>(() => a.matmul(b));
        Assert.Contains("2x3", e.Message);
        Assert.Contains("4x5", e.Message);
    }

    [Fact]
    public void BackwardOfSquareSumIsTwiceInput()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { 1, -2, 3 }).requires_grad_();
        (x * x).sum().backward();
        Assert.Equal(new double[] { 2, -4, 6 }, x.grad!.data<double>());
    }

    [Fact]
    public void IndexingMatchesPyTorchSemantics()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.arange(24).reshape(2, 3, 4);
        Assert.Equal(new long[] { 3, 4 }, x[1].shape);
        Assert.Equal(new long[] { 5, 9 }, x[0, 1..3, 1].data<long>());
        Assert.Equal(new long[] { 2, 3, 1 }, x[TensorIndex.Ellipsis, ^1..].shape);
        Assert.Equal(new long[] { 1, 2, 3, 4 }, x[TensorIndex.None].shape);
        var mask = x.gt(20);
        Assert.Equal(new long[] { 21, 22, 23 }, x[mask].data<long>());
        x[mask] = torch.zeros([1], torch.int64);
        Assert.Equal(0, x.gt(20).sum().item<long>());
    }

    [Fact]
    public void DisposeScopeFreesTemporaries()
    {
        Tensor kept, temp;
        using (var outer = torch.NewDisposeScope())
        {
            using (torch.NewDisposeScope())
            {
                temp = torch.ones(3);
                kept = (temp * 2).MoveToOuterDisposeScope();
            }
            Assert.True(temp.IsDisposed);
            Assert.False(kept.IsDisposed);
        }
        Assert.True(kept.IsDisposed);
    }

    [Fact]
    public void HookCanReplaceGradient()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.ones([2], torch.float32, requires_grad: true);
        using var hook = x.register_hook(g => g * 3);
        (x * 2).sum().backward();
        Assert.Equal(new float[] { 6, 6 }, x.grad!.data<float>());
    }

    [Fact]
    public void CrossEntropyWithLabelSmoothingMatchesFormula()
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.tensor(new double[] { 2, 0, -1 }, 1, 3);
        var target = torch.tensor(new long[] { 0 });
        var loss = F.cross_entropy(logits, target, label_smoothing: 0.1).item<double>();
        var logp = logits.log_softmax(1).data<double>();
        var expected = -(0.9 + 0.1 / 3) * logp[0] - 0.1 / 3 * (logp[1] + logp[2]);
        Assert.Equal(expected, loss, 12);
    }

    [SkippableFact]
    public void SoftmaxMatchesPyTorch()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.randn([3, 5], torch.float64);
        var reference = TorchReference.Run("out['y'] = torch.softmax(inp['x'], 1)", new Dictionary<string, Tensor> { ["x"] = x });
        var expected = TorchReference.Doubles(reference.GetProperty("y"));
        var actual = x.softmax(1).data<double>();
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 12);
        }
    }
}
