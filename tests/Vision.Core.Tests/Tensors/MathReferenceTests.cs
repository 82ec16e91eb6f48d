namespace Vision.Tests.Tensors;

public class MathReferenceTests
{
    private static Tensor X(IReadOnlyDictionary<string, Tensor> i) => i["x"];
    private static Tensor Y(IReadOnlyDictionary<string, Tensor> i) => i["y"];

    // Ops whose values are awkward to derive by hand, on x (3, 4, 5) and y (3, 4, 4) standard normal float64.
    private static readonly ReferenceCase[] Cases =
    [
        new("std dims keepdim", "x.std(dim=(0, 2), unbiased=True, keepdim=True)", i => X(i).std([0, 2], 1, true)),
        new("var correction 0", "x.var(dim=1, unbiased=False)", i => X(i).var(1, 0)),
        new("std all", "x.std()", i => X(i).std()),
        new("norm p=3", "torch.norm(x, p=3, dim=(1, 2))", i => X(i).norm(3, [1, 2])),
        new("norm fro keepdim", "torch.norm(x, dim=(0,), keepdim=True)", i => X(i).norm(2, [0], true)),
        new("logsumexp", "torch.logsumexp(x, dim=(0, 2))", i => X(i).logsumexp([0, 2])),
        new("log_softmax dim 0", "torch.log_softmax(x, 0)", i => X(i).log_softmax(0)),
        new("softmax last", "torch.softmax(x * 30, -1)", i => (X(i) * 30).softmax(-1)),
        new("cumsum", "torch.cumsum(x, 1)", i => X(i).cumsum(1)),
        new("prod", "torch.prod(x, 1, keepdim=True)", i => X(i).prod(1, true)),
        new("amax", "torch.amax(x, dim=(0, 1))", i => X(i).amax([0, 1])),
        new("amin", "torch.amin(x, dim=(2,), keepdim=True)", i => X(i).amin([2], true)),
        new("topk values", "torch.topk(x, 3, dim=2).values", i => X(i).topk(3, 2).values),
        new("topk smallest indices", "torch.topk(x, 2, dim=0, largest=False).indices", i => X(i).topk(2, 0, largest: false).indices),
        new("sort indices", "torch.sort(x, dim=1, descending=True).indices", i => X(i).sort(1, descending: true).indices),
        new("argsort", "torch.argsort(x, dim=-1)", i => X(i).argsort(-1)),
        new("einsum", "torch.einsum('bij,bkj->bik', x, x)", i => torch.einsum("bij,bkj->bik", X(i), X(i))),
        new("einsum batch diag", "torch.einsum('bii->b', y)", i => torch.einsum("bii->b", Y(i))),
        new("baddbmm", "torch.baddbmm(y, x, x.transpose(1, 2), beta=0.5, alpha=-2)", i => Y(i).baddbmm(X(i), X(i).transpose(1, 2), 0.5, -2)),
        new("matmul broadcast", "torch.matmul(y, x)", i => Y(i).matmul(X(i))),
        new("pow fractional", "x.abs().pow(1.7)", i => X(i).abs().pow(1.7)),
        new("pow tensor", "x.abs().pow(y[..., :1])", i => X(i).abs().pow(Y(i)[TensorIndex.Ellipsis, ..1])),
        new("remainder", "torch.remainder(x * 3, 1.3)", i => (X(i) * 3).remainder(1.3)),
        new("fmod", "torch.fmod(x * 3, -1.3)", i => (X(i) * 3).fmod(-1.3)),
        new("div floor", "torch.div(x * 5, y[..., :1], rounding_mode='floor')", i => (X(i) * 5).div(Y(i)[TensorIndex.Ellipsis, ..1], "floor")),
        new("sigmoid", "torch.sigmoid(x * 4)", i => (X(i) * 4).sigmoid()),
        new("tanh", "torch.tanh(x)", i => X(i).tanh()),
        new("rsqrt", "x.abs().rsqrt()", i => X(i).abs().rsqrt()),
        new("erf", "torch.erf(x)", i => X(i).erf()),
        new("lerp tensor weight", "torch.lerp(x, x.flip(0), x.sigmoid())", i => X(i).lerp(X(i).flip(0), X(i).sigmoid())),
        new("addcdiv", "torch.addcdiv(x, x, x.abs() + 1, value=0.3)", i => X(i).addcdiv(X(i), X(i).abs() + 1, 0.3)),
        new("addcmul", "torch.addcmul(x, x, x.flip(2), value=-1.5)", i => X(i).addcmul(X(i), X(i).flip(2), -1.5)),
        new("clamp", "x.clamp(-0.5, 0.7)", i => X(i).clamp(-0.5, 0.7)),
        new("float16", "x.half()", i => X(i).to(torch.float16)),
        new("bfloat16", "x.bfloat16()", i => X(i).to(torch.bfloat16)),
        new("float16 arithmetic", "(x.half() * 3.3 + 1) / 7", i => (X(i).to(torch.float16) * 3.3 + 1) / 7),
        new("bfloat16 matmul", "torch.matmul(y.bfloat16(), x.bfloat16())", i => Y(i).to(torch.bfloat16).matmul(X(i).to(torch.bfloat16))),
        new("int8 from scaled", "(x * 50).to(torch.int8)", i => (X(i) * 50).to(torch.int8)),
        new("where", "torch.where(x > 0, x, y[..., :1])", i => torch.where(X(i) > 0, X(i), Y(i)[TensorIndex.Ellipsis, ..1])),
        new("roll", "torch.roll(x, shifts=(-1, 2), dims=(0, 2))", i => X(i).roll([-1, 2], [0, 2])),
    ];

    [SkippableFact]
    public void OpsMatchPyTorch()
    {
        using var scope = torch.NewDisposeScope();
        var inputs = new Dictionary<string, Tensor>
        {
            ["x"] = torch.randn([3, 4, 5], torch.float64),
            ["y"] = torch.randn([3, 4, 4], torch.float64),
        };
        ReferenceCase.AssertAll(Cases, inputs, 1e-12);
    }
}
