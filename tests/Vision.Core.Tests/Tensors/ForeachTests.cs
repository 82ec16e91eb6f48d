using static Vision.Tests.Tensors.TensorAssert;

namespace Vision.Tests.Tensors;

public class ForeachTests
{
    // Each _foreach_ op applied to lists (a, b, c), and the per-tensor op it must equal on each (a[i], b[i], c[i]).
    public static TheoryData<string, Action<Tensor[], Tensor[], Tensor[]>, Func<Tensor, Tensor, Tensor, Tensor>> InPlace => new()
    {
        { "_foreach_add_(list, alpha)", (a, b, _) => torch._foreach_add_(a, b, -0.5), (a, b, _) => a.add(b, -0.5) },
        { "_foreach_add_(list)", (a, b, _) => torch._foreach_add_(a, b), (a, b, _) => a + b },
        { "_foreach_add_(scalar)", (a, _, _) => torch._foreach_add_(a, 2.5), (a, _, _) => a + 2.5 },
        { "_foreach_mul_(scalar)", (a, _, _) => torch._foreach_mul_(a, -3), (a, _, _) => a * -3 },
        { "_foreach_mul_(list)", (a, b, _) => torch._foreach_mul_(a, b), (a, b, _) => a * b },
        { "_foreach_div_(list)", (a, b, _) => torch._foreach_div_(a, b), (a, b, _) => a / b },
        { "_foreach_addcmul_", (a, b, c) => torch._foreach_addcmul_(a, b, c, 0.25), (a, b, c) => a.addcmul(b, c, 0.25) },
        { "_foreach_addcdiv_", (a, b, c) => torch._foreach_addcdiv_(a, b, c, -2), (a, b, c) => a.addcdiv(b, c, -2) },
        { "_foreach_zero_", (a, _, _) => torch._foreach_zero_(a), (a, _, _) => torch.zeros_like(a) },
        { "_foreach_copy_", (a, b, _) => torch._foreach_copy_(a, b), (_, b, _) => b.clone() },
        { "_foreach_div_(scalar)", (a, _, _) => torch._foreach_div_(a, 3), (a, _, _) => a / 3 },
        { "_foreach_maximum_", (a, b, _) => torch._foreach_maximum_(a, b), (a, b, _) => a.maximum(b) },
        { "_foreach_lerp_", (a, b, _) => torch._foreach_lerp_(a, b, 0.3), (a, b, _) => a.lerp(b, 0.3) },
        { "_foreach_sqrt_", (a, _, _) => { torch._foreach_mul_(a, a); torch._foreach_sqrt_(a); }, (a, _, _) => (a * a).sqrt() },
    };

    // Each out-of-place _foreach_ op and the per-tensor op each of its results must equal; the inputs stay as they were.
    public static TheoryData<string, Func<Tensor[], Tensor[], Tensor[], Tensor[]>, Func<Tensor, Tensor, Tensor, Tensor>> OutOfPlace => new()
    {
        { "_foreach_add(list, alpha)", (a, b, _) => torch._foreach_add(a, b, 0.75), (a, b, _) => a.add(b, 0.75) },
        { "_foreach_addcmul", (a, b, c) => torch._foreach_addcmul(a, b, c, -1), (a, b, c) => a.addcmul(b, c, -1) },
        { "_foreach_mul(scalar)", (a, _, _) => torch._foreach_mul(a, 0.9), (a, _, _) => a * 0.9 },
        { "_foreach_div(scalar)", (a, _, _) => torch._foreach_div(a, 0.7), (a, _, _) => a / 0.7 },
        { "_foreach_sign", (a, _, _) => torch._foreach_sign(a), (a, _, _) => a.sign() },
    };

    private static (Tensor[] A, Tensor[] B, Tensor[] C) Lists() =>
    (
        [F64([1, -2, 3, 4], 2, 2), F64([0.5, 8, -1])],
        [F64([2, 4, -1, 0.5], 2, 2), F64([-4, 2, 0.25])],
        [F64([3, 5, 7, 9], 2, 2), F64([1, -1, 2])]
    );

    [Theory]
    [MemberData(nameof(InPlace))]
    public void InPlaceForeachOpsEqualThePerTensorOp(string name, Action<Tensor[], Tensor[], Tensor[]> foreachOp, Func<Tensor, Tensor, Tensor, Tensor> single)
    {
        using var scope = torch.NewDisposeScope();
        var (a, b, c) = Lists();
        var expected = a.Select((t, i) => single(t, b[i], c[i])).ToArray();
        foreachOp(a, b, c);
        for (var i = 0; i < a.Length; i++)
        {
            Close(expected[i].data<double>(), a[i], 1e-15, $"{name}[{i}]");
        }
        Assert.Equal(new long[] { 3 }, a[1].shape);
    }

    [Theory]
    [MemberData(nameof(OutOfPlace))]
    public void OutOfPlaceForeachOpsEqualThePerTensorOp(string name, Func<Tensor[], Tensor[], Tensor[], Tensor[]> foreachOp, Func<Tensor, Tensor, Tensor, Tensor> single)
    {
        using var scope = torch.NewDisposeScope();
        var (a, b, c) = Lists();
        var before = a.Select(t => t.data<double>()).ToArray();
        var results = foreachOp(a, b, c);
        Assert.Equal(a.Length, results.Length);
        for (var i = 0; i < a.Length; i++)
        {
            Close(single(a[i], b[i], c[i]).data<double>(), results[i], 1e-15, $"{name}[{i}]");
            Assert.Equal(a[i].shape, results[i].shape);
            Assert.Equal(before[i], a[i].data<double>());
        }
    }

    [Fact]
    public void SqrtAndNormReturnNewTensors()
    {
        using var scope = torch.NewDisposeScope();
        var a = new[] { F64([4, 9, 16, 0.25], 2, 2), F64([2]) };
        var roots = torch._foreach_sqrt(a);
        Exact(roots[0], [2, 2], 2, 3, 4, 0.5);
        Close([Math.Sqrt(2)], roots[1]);
        Exact(a[0], [2, 2], 4, 9, 16, 0.25);
        var norms = torch._foreach_norm(a);
        Close([Math.Sqrt(16 + 81 + 256 + 0.0625)], norms[0], 1e-15);
        Close([2], norms[1]);
        Close([29.25, 2], torch._foreach_norm(a, 1).Select(n => n.item<double>()).ToArray(), 1e-15);
    }

    [Fact]
    public void MismatchedListsAreRejected()
    {
        using var scope = torch.NewDisposeScope();
        var (a, b, _) = Lists();
        Assert.Throws<ArgumentException>(() => torch._foreach_add_(a, [b[0]]));
        Assert.Throws<TorchException>(() => torch._foreach_mul_(a, [b[1], b[0]]));
    }
}
