namespace Vision.Tests.Tensors;

public class ErrorTests
{
    public static TheoryData<string, Func<Tensor>, string[]> MatmulMismatches => new()
    {
        { "matmul", () => torch.ones(2, 3).matmul(torch.ones(4, 5)), ["2x3", "4x5"] },
        { "mm", () => torch.ones(2, 3).mm(torch.ones(4, 5)), ["2x3", "4x5"] },
        { "vector @ matrix", () => torch.ones(3).matmul(torch.ones(4, 5)), ["1x3", "4x5"] },
        { "batched @ matrix", () => torch.ones(2, 2, 3).matmul(torch.ones(4, 5)), ["4x3", "4x5"] },
        { "bmm", () => torch.ones(2, 2, 3).bmm(torch.ones(2, 4, 5)), ["[2, 3]", "[2, 4]"] },
    };

    [Theory]
    [MemberData(nameof(MatmulMismatches))]
    public void ShapeMismatchMessagesNameBothShapes(string name, Func<Tensor> multiply, string[] fragments)
    {
        using var scope = torch.NewDisposeScope();
        var e = Assert.Throws<TorchException>(multiply);
        Assert.All(fragments, f => Assert.True(e.Message.Contains(f, StringComparison.Ordinal), $"{name}: '{e.Message}'"));
        Assert.DoesNotContain("Exception raised from", e.Message);
    }

    // libtorch's own messages, verified against PyTorch 1.13.
    public static TheoryData<string, Func<Tensor>, string> LibtorchErrors => new()
    {
        { "bad view", () => torch.ones(2, 3).t().view(6), "view size is not compatible with input tensor's size and stride" },
        { "bad view size", () => torch.ones(2, 3).view(7), "shape '[7]' is invalid for input of size 6" },
        { "index out of range", () => torch.ones(2, 3).index_select(0, torch.tensor(new long[] { 5 })), "index out of range in self" },
        { "advanced index out of range", () => torch.ones(2, 3)[torch.tensor(new long[] { 5 })], "index 5 is out of bounds for dimension 0 with size 2" },
        { "dtype mismatch", () => torch.ones(2, 3).mm(torch.ones([3, 2], torch.float64)), "expected scalar type Float but found Double" },
        { "index dtype", () => torch.ones(2, 3).gather(0, torch.zeros([1, 3], torch.int32)), "gather(): Expected dtype int64 for index" },
        { "float index", () => torch.ones(2, 3).index_select(0, torch.tensor(new float[] { 0 })), "Expected dtype int32 or int64 for index" },
        { "in-place on leaf", () => torch.ones([2], torch.float32, requires_grad: true).add_(1), "a leaf Variable that requires grad is being used in an in-place operation" },
        { "requires_grad on non-leaf", () => (torch.ones([2], torch.float32, requires_grad: true) * 2).requires_grad_(false), "you can only change requires_grad flags of leaf variables" },
        { "backward without graph", () => { torch.ones(3).sum().backward(); return torch.ones(1); }, "element 0 of tensors does not require grad and does not have a grad_fn" },
    };

    [Theory]
    [MemberData(nameof(LibtorchErrors))]
    public void LibtorchErrorsBecomeTorchExceptionsWithLibtorchsText(string name, Func<Tensor> fail, string message)
    {
        using var scope = torch.NewDisposeScope();
        var e = Assert.Throws<TorchException>(fail);
        Assert.True(e.Message.Contains(message, StringComparison.Ordinal), $"{name}: '{e.Message}'");
        Assert.DoesNotContain("Exception raised from", e.Message);
        // The thread stays usable and the next error carries its own text.
        Assert.Equal(6, (torch.ones(2, 3) * 2).sum().item<float>() / 2);
        Assert.Contains("shape '[5]'", Assert.Throws<TorchException>(() => torch.ones(2).view(5)).Message);
    }

    public static TheoryData<string, Action<Tensor>> UsesOfADisposedTensor => new()
    {
        { "shape", t => _ = t.shape },
        { "op", t => t.exp() },
        { "operator", t => _ = t + 1 },
        { "as operand", t => _ = torch.ones(2) * t },
        { "in a list", t => torch.cat([torch.ones(2), t]) },
        { "data", t => t.data<float>() },
        { "item", t => t.item<float>() },
        { "index", t => _ = t[0] },
        { "backward", t => t.backward() },
        { "grad", t => _ = t.grad },
    };

    [Theory]
    [MemberData(nameof(UsesOfADisposedTensor))]
    public void UsingADisposedTensorThrowsObjectDisposed(string name, Action<Tensor> use)
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.ones(2);
        t.Dispose();
        Assert.True(t.IsDisposed);
        t.Dispose();
        var e = Record.Exception(() => use(t));
        Assert.True(e is ObjectDisposedException, $"{name}: {e?.GetType().Name ?? "no exception"}");
        Assert.Equal("Tensor(disposed)", t.ToString());
    }
}
