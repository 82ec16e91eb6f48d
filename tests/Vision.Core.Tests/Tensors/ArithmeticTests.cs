using static Vision.Tests.Tensors.TensorAssert;

namespace Vision.Tests.Tensors;

public class ArithmeticTests
{
    private static readonly double[] A = [1, -2, 3, 4.5];
    private static readonly double[] B = [2, 4, -1, 1.5];

    // Every C# operator on a = [1, -2, 3, 4.5] and b = [2, 4, -1, 1.5], with results as Python computes them.
    public static TheoryData<string, Func<Tensor, Tensor, Tensor>, double[]> Operators => new()
    {
        { "a + b", (a, b) => a + b, [3, 2, 2, 6] },
        { "a - b", (a, b) => a - b, [-1, -6, 4, 3] },
        { "a * b", (a, b) => a * b, [2, -8, -3, 6.75] },
        { "a / b", (a, b) => a / b, [0.5, -0.5, -3, 3] },
        { "a % b", (a, b) => a % b, [1, 2, 0, 0] },
        { "a + 2", (a, _) => a + 2, [3, 0, 5, 6.5] },
        { "2 + a", (a, _) => 2 + a, [3, 0, 5, 6.5] },
        { "a - 2", (a, _) => a - 2, [-1, -4, 1, 2.5] },
        { "2 - a", (a, _) => 2 - a, [1, 4, -1, -2.5] },
        { "a * 3", (a, _) => a * 3, [3, -6, 9, 13.5] },
        { "3 * a", (a, _) => 3 * a, [3, -6, 9, 13.5] },
        { "a / 2", (a, _) => a / 2, [0.5, -1, 1.5, 2.25] },
        { "2 / a", (a, _) => 2 / a, [2, -1, 2.0 / 3, 2 / 4.5] },
        { "a % 2", (a, _) => a % 2, [1, 0, 1, 0.5] },
        { "-a", (a, _) => -a, [-1, 2, -3, -4.5] },
        { "a < b", (a, b) => a < b, [1, 1, 0, 0] },
        { "a > b", (a, b) => a > b, [0, 0, 1, 1] },
        { "a <= b", (a, b) => a <= b, [1, 1, 0, 0] },
        { "a >= b", (a, b) => a >= b, [0, 0, 1, 1] },
        { "a < 3", (a, _) => a < 3, [1, 1, 0, 0] },
        { "a > 3", (a, _) => a > 3, [0, 0, 0, 1] },
        { "a <= 3", (a, _) => a <= 3, [1, 1, 1, 0] },
        { "a >= 3", (a, _) => a >= 3, [0, 0, 1, 1] },
        { "a.eq(3)", (a, _) => a.eq(3), [0, 0, 1, 0] },
        { "a.ne(b)", (a, b) => a.ne(b), [1, 1, 1, 1] },
        { "(a > 0) & (b > 0)", (a, b) => (a > 0) & (b > 0), [1, 0, 0, 1] },
        { "(a > 0) | (b > 0)", (a, b) => (a > 0) | (b > 0), [1, 1, 1, 1] },
        { "!(a > 0)", (a, _) => !(a > 0), [0, 1, 0, 0] },
        { "a.maximum(b)", (a, b) => a.maximum(b), [2, 4, 3, 4.5] },
        { "a.minimum(b)", (a, b) => a.minimum(b), [1, -2, -1, 1.5] },
        { "a.fmod(b)", (a, b) => a.fmod(b), [1, -2, 0, 0] },
        { "a.remainder(-2)", (a, _) => a.remainder(-2), [-1, 0, -1, -1.5] },
        { "a.fmod(-2)", (a, _) => a.fmod(-2), [1, 0, 1, 0.5] },
        { "a.div(b, floor)", (a, b) => a.div(b, "floor"), [0, -1, -3, 3] },
        { "(a * 3).div(b, trunc)", (a, b) => (a * 3).div(b, "trunc"), [1, -1, -9, 9] },
        { "a.abs().pow(b)", (a, b) => a.abs().pow(b), [1, 16, 1.0 / 3, Math.Pow(4.5, 1.5)] },
    };

    [Theory]
    [MemberData(nameof(Operators))]
    public void OperatorsComputeElementwise(string expression, Func<Tensor, Tensor, Tensor> op, double[] expected)
    {
        using var scope = torch.NewDisposeScope();
        Close(expected, op(F64(A), F64(B)), 1e-15, expression);
    }

    [Fact]
    public void ComparisonsAndLogicalOpsGiveBool()
    {
        using var scope = torch.NewDisposeScope();
        var a = F64(A);
        var p = torch.tensor(new[] { true, true, false, false });
        var q = torch.tensor(new[] { true, false, true, false });
        foreach (var t in new[] { a < 0, a.ge(a), a.eq(a), a.isnan(), a.isfinite(), p & q, !p })
        {
            Assert.Equal(ScalarType.Bool, t.dtype);
        }
        Assert.Equal(new[] { true, false, false, false }, p.logical_and(q).data<bool>());
        Assert.Equal(new[] { true, true, true, false }, p.logical_or(q).data<bool>());
        Assert.Equal(new[] { false, true, true, false }, p.logical_xor(q).data<bool>());
        Assert.Equal(new[] { false, false, true, true }, p.logical_not().data<bool>());
        var bits = torch.tensor(new long[] { 0b1100, 0b1010 });
        var other = torch.tensor(new long[] { 0b1010, 0b0100 });
        Exact(bits.bitwise_and(other), [2], 0b1000, 0);
        Exact(bits.bitwise_or(other), [2], 0b1110, 0b1110);
        var nan = F64([1, double.NaN, double.PositiveInfinity]);
        Assert.Equal(new[] { false, true, false }, nan.isnan().data<bool>());
        Assert.Equal(new[] { true, false, false }, nan.isfinite().data<bool>());
        Assert.True(a.allclose(a + 1e-9));
        Assert.False(a.allclose(a + 1e-3));
        Assert.True(nan.allclose(nan, equal_nan: true));
        Assert.False(nan.allclose(nan));
        Assert.True(a.equal(a.clone()));
        Assert.False(a.equal(a.view(2, 2)));
    }

    // Results and dtypes of integer, bool and mixed-type arithmetic, which must follow PyTorch's type promotion
    // (a C# integer literal plays the role of a Python int).
    public static TheoryData<string, Func<Tensor>, ScalarType, double[]> Promotions => new()
    {
        { "i + 1", () => Ints() + 1, ScalarType.Int64, [-1, 0, 1, 2, 3] },
        { "i - 1", () => Ints() - 1, ScalarType.Int64, [-3, -2, -1, 0, 1] },
        { "i - 0", () => Ints() - 0, ScalarType.Int64, [-2, -1, 0, 1, 2] },
        { "i.sub_(0)", () => Ints().sub_(0), ScalarType.Int64, [-2, -1, 0, 1, 2] },
        { "i.sub(2)", () => Ints().sub(2), ScalarType.Int64, [-4, -3, -2, -1, 0] },
        { "1 - i", () => 1 - Ints(), ScalarType.Int64, [3, 2, 1, 0, -1] },
        { "i * 2", () => Ints() * 2, ScalarType.Int64, [-4, -2, 0, 2, 4] },
        { "i + i", () => Ints() + Ints(), ScalarType.Int64, [-4, -2, 0, 2, 4] },
        { "i - i", () => Ints() - Ints(), ScalarType.Int64, [0, 0, 0, 0, 0] },
        { "i.add(i, alpha: 2)", () => Ints().add(Ints(), 2), ScalarType.Int64, [-6, -3, 0, 3, 6] },
        { "i.sub(i, alpha: 3)", () => Ints().sub(Ints(), 3), ScalarType.Int64, [4, 2, 0, -2, -4] },
        { "i / 2", () => Ints() / 2, ScalarType.Float32, [-1, -0.5, 0, 0.5, 1] },
        { "i / i", () => (Ints() + 3) / (Ints() + 3), ScalarType.Float32, [1, 1, 1, 1, 1] },
        { "2.5 / (i + 3)", () => 2.5 / (Ints() + 3), ScalarType.Float32, [2.5, 1.25, 2.5 / 3, 0.625, 0.5] },
        { "i * 0.5", () => Ints() * 0.5, ScalarType.Float32, [-1, -0.5, 0, 0.5, 1] },
        { "i + 2.5", () => Ints() + 2.5, ScalarType.Float32, [0.5, 1.5, 2.5, 3.5, 4.5] },
        { "i % 3", () => Ints() % 3, ScalarType.Int64, [1, 2, 0, 1, 2] },
        { "i.remainder(-3)", () => Ints().remainder(-3), ScalarType.Int64, [-2, -1, 0, -2, -1] },
        { "i.fmod(2)", () => Ints().fmod(2), ScalarType.Int64, [0, -1, 0, 1, 0] },
        { "i.pow(2)", () => Ints().pow(2), ScalarType.Int64, [4, 1, 0, 1, 4] },
        { "i.clamp(min: 0)", () => Ints().clamp(min: 0), ScalarType.Int64, [0, 0, 0, 1, 2] },
        { "i.clamp(-1, 1)", () => Ints().clamp(-1, 1), ScalarType.Int64, [-1, -1, 0, 1, 1] },
        { "i.div(2, floor)", () => Ints().div(torch.tensor(new long[] { 2 }), "floor"), ScalarType.Int64, [-1, -1, 0, 0, 1] },
        { "i.div(2, trunc)", () => Ints().div(torch.tensor(new long[] { 2 }), "trunc"), ScalarType.Int64, [-1, 0, 0, 0, 1] },
        { "bool * 2", () => torch.tensor(new[] { true, false }) * 2, ScalarType.Int64, [2, 0] },
        { "uint8 + 1", () => torch.tensor(new byte[] { 255, 1 }) + 1, ScalarType.Byte, [0, 2] },
        { "float16 + 1", () => torch.tensor(new[] { (Half)0.5 }) + 1, ScalarType.Float16, [1.5] },
        { "int32 + int64", () => torch.tensor(new[] { 1, 2 }) + torch.tensor(new long[] { 10, 20 }), ScalarType.Int64, [11, 22] },
        { "int64 + float32", () => torch.tensor(new long[] { 1, 2 }) + torch.tensor(new float[] { 0.5f, 0.25f }), ScalarType.Float32, [1.5, 2.25] },
        { "float32 + float64", () => torch.tensor(new float[] { 1 }) + torch.tensor(new double[] { 0.1 }), ScalarType.Float64, [1 + 0.1] },
        { "float32 + float64 0-d", () => torch.tensor(new float[] { 1 }) + torch.tensor(0.5, torch.float64), ScalarType.Float32, [1.5] },
        { "int32 * 2.5", () => torch.tensor(new[] { 2 }) * 2.5, ScalarType.Float32, [5] },
        { "-0.0 * i", () => (Ints() + 3) * -0.0, ScalarType.Float32, [-0.0, -0.0, -0.0, -0.0, -0.0] },
    };

    private static Tensor Ints() => torch.arange(-2, 3);

    [Theory]
    [MemberData(nameof(Promotions))]
    public void IntegerAndMixedArithmeticFollowsPyTorchPromotion(string expression, Func<Tensor> compute, ScalarType type, double[] expected)
    {
        using var scope = torch.NewDisposeScope();
        var r = compute();
        Assert.True(type == r.dtype, $"{expression}: dtype {r.dtype}, expected {type}");
        Close(expected, r, 1e-6, expression);
        if (expression.StartsWith("-0.0", StringComparison.Ordinal))
        {
            Assert.All(r.data<double>(), v => Assert.True(double.IsNegative(v), $"{expression} lost the sign of zero"));
        }
    }

    // Unary functions against System.Math, with their in-place forms where they exist.
    public static TheoryData<string, Func<Tensor, Tensor>, Func<Tensor, Tensor>?, Func<double, double>> Unary => new()
    {
        { "neg", x => x.neg(), x => x.neg_(), v => -v },
        { "exp", x => x.exp(), x => x.exp_(), Math.Exp },
        { "log", x => x.abs().log(), x => x.abs_().log_(), v => Math.Log(Math.Abs(v)) },
        { "log1p", x => x.abs().log1p(), null, v => Math.Log(1 + Math.Abs(v)) },
        { "expm1", x => x.expm1(), null, v => Math.Exp(v) - 1 },
        { "sqrt", x => x.abs().sqrt(), x => x.abs_().sqrt_(), v => Math.Sqrt(Math.Abs(v)) },
        { "rsqrt", x => x.abs().rsqrt(), null, v => 1 / Math.Sqrt(Math.Abs(v)) },
        { "abs", x => x.abs(), x => x.abs_(), Math.Abs },
        { "sign", x => x.sign(), null, v => Math.Sign(v) },
        { "sigmoid", x => x.sigmoid(), x => x.sigmoid_(), v => 1 / (1 + Math.Exp(-v)) },
        { "tanh", x => x.tanh(), x => x.tanh_(), Math.Tanh },
        { "relu", x => x.relu(), x => x.relu_(), v => Math.Max(v, 0) },
        { "square", x => x.square(), null, v => v * v },
        { "reciprocal", x => x.reciprocal(), null, v => 1 / v },
        { "pow(2.5)", x => x.abs().pow(2.5), x => x.abs_().pow_(2.5), v => Math.Pow(Math.Abs(v), 2.5) },
        { "pow(-1)", x => x.pow(-1), null, v => 1 / v },
        { "floor", x => x.floor(), null, Math.Floor },
        { "ceil", x => x.ceil(), null, Math.Ceiling },
        { "round", x => x.round(), null, v => Math.Round(v, MidpointRounding.ToEven) },
        { "trunc", x => x.trunc(), null, Math.Truncate },
        { "sin", x => x.sin(), null, Math.Sin },
        { "cos", x => x.cos(), null, Math.Cos },
        { "clamp(min)", x => x.clamp(min: -1), x => x.clamp_(min: -1), v => Math.Max(v, -1) },
        { "clamp(max)", x => x.clamp(max: 1), x => x.clamp_(max: 1), v => Math.Min(v, 1) },
        { "clamp(min, max)", x => x.clamp(-1, 0.75), x => x.clamp_(-1, 0.75), v => Math.Clamp(v, -1, 0.75) },
        { "fill_", x => torch.full_like(x, 7), x => x.fill_(7), _ => 7 },
        { "zero_", x => x.mul(0), x => x.zero_(), _ => 0 },
        { "add_(scalar)", x => x.add(1.5), x => x.add_(1.5), v => v + 1.5 },
        { "sub_(scalar)", x => x.sub(1.5), x => x.sub_(1.5), v => v - 1.5 },
        { "mul_(scalar)", x => x.mul(-3), x => x.mul_(-3), v => v * -3 },
        { "div_(scalar)", x => x.div(4), x => x.div_(4), v => v / 4 },
    };

    private static readonly double[] UnaryInput = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.25];

    [Theory]
    [MemberData(nameof(Unary))]
    public void UnaryFunctionsMatchSystemMath(string name, Func<Tensor, Tensor> op, Func<Tensor, Tensor>? inPlace, Func<double, double> reference)
    {
        using var scope = torch.NewDisposeScope();
        var expected = UnaryInput.Select(reference).ToArray();
        var x = F64(UnaryInput);
        Close(expected, op(x), 1e-14, name);
        Assert.Equal(UnaryInput, x.data<double>());
        if (inPlace is not null)
        {
            var y = x.clone();
            Assert.Same(y, inPlace(y));
            Close(expected, y, 1e-14, name + " in place");
        }
    }

    [Fact]
    public void ErfMatchesTabulatedValues()
    {
        using var scope = torch.NewDisposeScope();
        Close([-0.8427007929497149, 0, 0.5204998778130465, 0.9953222650189527], F64([-1, 0, 0.5, 2]).erf(), 1e-15);
    }

    [Fact]
    public void SoftmaxAndLogSoftmaxAlongEachDim()
    {
        using var scope = torch.NewDisposeScope();
        var x = F64([1, 2, 3, 1, 1, 1], 2, 3);
        var s = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        double[] rows = [Math.Exp(1) / s, Math.Exp(2) / s, Math.Exp(3) / s, 1.0 / 3, 1.0 / 3, 1.0 / 3];
        Close(rows, x.softmax(1), 1e-15);
        Close(rows.Select(v => Math.Log(v)).ToArray(), x.log_softmax(-1), 1e-15);
        double[] cols = [0.5, Math.Exp(2) / (Math.Exp(2) + Math.E), Math.Exp(3) / (Math.Exp(3) + Math.E)];
        Close([.. cols, .. cols.Select(c => 1 - c)], x.softmax(0), 1e-15);
        // Stable for large logits.
        Close([0.5, 0.5], F64([1000, 1000]).softmax(0), 1e-15);
        Close([-Math.Log(2), -Math.Log(2)], F64([1000, 1000]).log_softmax(0), 1e-15);
    }

    [Fact]
    public void BinaryInPlaceOpsWriteIntoSelf()
    {
        using var scope = torch.NewDisposeScope();
        var b = F64(B);
        var x = F64(A);
        Assert.Same(x, x.add_(b, 2));
        Close([5, 6, 1, 7.5], x);
        x.sub_(b, 0.5);
        Close([4, 4, 1.5, 6.75], x);
        x.mul_(b);
        Close([8, 16, -1.5, 10.125], x);
        x.div_(b);
        Close([4, 4, 1.5, 6.75], x);
        Assert.Throws<TorchException>(() => torch.zeros(3).add_(torch.zeros(2, 3)));
    }

    [Fact]
    public void LerpAddcmulAddcdivAndInPlaceForms()
    {
        using var scope = torch.NewDisposeScope();
        var start = F64([0, 1, 2]);
        var end = F64([10, 10, 10]);
        Close([5, 5.5, 6], start.lerp(end, 0.5));
        Close([0, 5.5, 10], start.lerp(end, F64([0, 0.5, 1])));
        var t = F64([1, 1, 1]);
        var t1 = F64([1, 2, 3]);
        var t2 = F64([4, 5, 6]);
        Close([3, 6, 10], t.addcmul(t1, t2, 0.5));
        Close([1.5, 1.8, 2], t.addcdiv(t1, t2, 2));
        Close([1, 1, 1], t);
        Assert.Same(t, t.addcmul_(t1, t2));
        Close([5, 11, 19], t);
        t.addcdiv_(t1, t2, -4);
        Close([4, 9.4, 17], t);
        start.lerp_(end, 0.25);
        Close([2.5, 3.25, 4], start);
        var i = torch.tensor(new long[] { 1, 2 });
        Exact(i.addcmul(i, i, 3), [2], 4, 14);
    }

    [Fact]
    public void ClampBetweenTensors()
    {
        using var scope = torch.NewDisposeScope();
        var x = F64([-2, -0.5, 0.5, 3]);
        Close([-2, 0, 0.25, 2], x.clamp(F64([-3, 0, 0, 0]), F64([5, 5, 0.25, 2])));
        Close([-2, -0.5, 0.25, 2], x.clamp(null, F64([5, 5, 0.25, 2])));
        Close([0, 0, 0.5, 3], x.clamp(torch.zeros([1], torch.float64), null));
    }

    [Fact]
    public void BroadcastingCombinesTrailingDimensions()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.arange(6).reshape(2, 1, 3).to(torch.float64);
        var b = torch.arange(4).reshape(4, 1).to(torch.float64) * 10;
        var sum = a + b;
        Assert.Equal(new long[] { 2, 4, 3 }, sum.shape);
        var expected = new List<double>();
        for (var i = 0; i < 2; i++)
        for (var j = 0; j < 4; j++)
        for (var k = 0; k < 3; k++)
        {
            expected.Add(i * 3 + k + j * 10);
        }
        Assert.Equal(expected, sum.data<double>());
        Exact(torch.arange(3).reshape(3, 1) * torch.arange(4), [3, 4], 0, 0, 0, 0, 0, 1, 2, 3, 0, 2, 4, 6);
        Exact(torch.ones(2, 3) - torch.tensor(new float[] { 1, 2, 3 }), [2, 3], 0, -1, -2, 0, -1, -2);
        var e = Assert.Throws<TorchException>(() => torch.ones(2, 3) + torch.ones(2));
        Assert.Contains("must match the size", e.Message);
    }
}
