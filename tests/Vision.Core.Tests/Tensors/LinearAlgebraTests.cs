using static Vision.Tests.Tensors.TensorAssert;

namespace Vision.Tests.Tensors;

public class LinearAlgebraTests
{
    // a = [[1, 2, 3], [4, 5, 6]], b = [[1, 0], [0, 1], [2, -1]]: a @ b = [[7, -1], [16, -1]].
    private static Tensor A() => F64([1, 2, 3, 4, 5, 6], 2, 3);
    private static Tensor B() => F64([1, 0, 0, 1, 2, -1], 3, 2);

    [Fact]
    public void MatrixProducts()
    {
        using var scope = torch.NewDisposeScope();
        Exact(A().mm(B()), [2, 2], 7, -1, 16, -1);
        Exact(A().matmul(B()), [2, 2], 7, -1, 16, -1);
        Exact(torch.matmul(A(), F64([1, 1, 1])), [2], 6, 15);
        Exact(F64([1, 1]).matmul(A()), [3], 5, 7, 9);
        Exact(F64([1, 2, 3]).matmul(F64([4, 5, 6])), [], 32);
        Exact(F64([1, 2]).outer(F64([3, 4, 5])), [2, 3], 3, 4, 5, 6, 8, 10);
    }

    [Fact]
    public void BatchedProductsBroadcastTheBatch()
    {
        using var scope = torch.NewDisposeScope();
        var batch = torch.stack([A(), A() * 2]);
        Exact(batch.bmm(torch.stack([B(), B()])), [2, 2, 2], 7, -1, 16, -1, 14, -2, 32, -2);
        Exact(batch.matmul(B()), [2, 2, 2], 7, -1, 16, -1, 14, -2, 32, -2);
        Exact(A().matmul(torch.stack([B(), -B()])), [2, 2, 2], 7, -1, 16, -1, -7, 1, -16, 1);
        Assert.Equal(new long[] { 4, 2, 2, 2 }, torch.zeros([4, 1, 2, 3], torch.float64).matmul(torch.stack([B(), B()])).shape);
    }

    [Fact]
    public void AddmmAndBaddbmmScaleBothTerms()
    {
        using var scope = torch.NewDisposeScope();
        var c = F64([1, 1, 1, 1], 2, 2);
        Exact(c.addmm(A(), B()), [2, 2], 8, 0, 17, 0);
        Exact(c.addmm(A(), B(), beta: 0.5, alpha: 2), [2, 2], 14.5, -1.5, 32.5, -1.5);
        var cs = torch.stack([c, c * 2]);
        Exact(cs.baddbmm(torch.stack([A(), A()]), torch.stack([B(), B()]), beta: 2, alpha: -1), [2, 2, 2], -5, 3, -14, 3, -3, 5, -12, 5);
    }

    [Fact]
    public void EinsumEqualsTheExplicitOps()
    {
        using var scope = torch.NewDisposeScope();
        var a = A();
        var b = B();
        Assert.True(torch.einsum("ij,jk->ik", a, b).equal(a.mm(b)));
        Assert.True(torch.einsum("ij->ji", a).equal(a.t()));
        Assert.True(torch.einsum("ij->", a).equal(a.sum()));
        Assert.True(torch.einsum("ij->j", a).equal(a.sum(0)));
        Assert.True(torch.einsum("i,j->ij", F64([1, 2]), F64([3, 4, 5])).equal(F64([1, 2]).outer(F64([3, 4, 5]))));
        Exact(torch.einsum("ii->", F64([1, 2, 3, 4], 2, 2)), [], 5);
        var x = torch.randn([2, 3, 4], torch.float64);
        var y = torch.randn([2, 4, 5], torch.float64);
        Assert.True(torch.einsum("bij,bjk->bik", x, y).allclose(x.bmm(y), 1e-12, 1e-12));
        Assert.True(torch.einsum("bij,bkj->bik", x, x).allclose(x.bmm(x.transpose(1, 2)), 1e-12, 1e-12));
        Assert.Throws<TorchException>(() => torch.einsum("ij,jk->ik", a, a));
    }
}
