using static Vision.Tests.Tensors.TensorAssert;

namespace Vision.Tests.Autograd;

public class AutogradTests
{
    private static Tensor Leaf(params double[] values) => F64(values).requires_grad_();

    [Fact]
    public void LeavesNonLeavesAndDetach()
    {
        using var scope = torch.NewDisposeScope();
        var x = Leaf(1, 2, 3);
        Assert.True(x.requires_grad);
        Assert.True(x.is_leaf);
        Assert.Null(x.grad);
        Assert.Equal("", x.grad_fn_name);
        var y = x * x;
        Assert.False(y.is_leaf);
        Assert.True(y.requires_grad);
        Assert.Equal("MulBackward0", y.grad_fn_name);
        Assert.Equal("ExpBackward0", x.exp().grad_fn_name);
        var d = y.detach();
        Assert.False(d.requires_grad);
        Assert.True(d.is_leaf);
        Assert.True(d.shares_storage_with(y));
        var plain = torch.ones(3) * 2;
        Assert.False(plain.requires_grad);
        Assert.True(plain.is_leaf);
        var z = x.exp();
        Assert.Same(z, z.detach_());
        Assert.False(z.requires_grad);
        Assert.True(z.is_leaf);
        Assert.Same(x, x.requires_grad_(false));
        Assert.False(x.requires_grad);
    }

    [Fact]
    public void BackwardAccumulatesIntoLeafGradients()
    {
        using var scope = torch.NewDisposeScope();
        var x = Leaf(1, -2, 3);
        var w = Leaf(0.5, 1, 2);
        Tensor Loss() => (x * w).sum() + x.pow(2).sum();
        Loss().backward();
        // d/dx = w + 2x, d/dw = x.
        Exact(x.grad!, [3], 2.5, -3, 8);
        Exact(w.grad!, [3], 1, -2, 3);
        Loss().backward();
        Exact(x.grad!, [3], 5, -6, 16);
        x.grad = null;
        Assert.Null(x.grad);
        x.grad = F64([100, 100, 100]);
        Loss().backward();
        Exact(x.grad!, [3], 102.5, 97, 108);
        Exact(w.grad!, [3], 3, -6, 9);
    }

    [Fact]
    public void NonScalarBackwardTakesTheOutputGradient()
    {
        using var scope = torch.NewDisposeScope();
        var x = Leaf(1, -2, 3);
        var y = x * x;
        Assert.Contains("grad can be implicitly created only for scalar outputs", Assert.Throws<TorchException>(() => y.backward()).Message);
        y.backward(F64([1, 0.5, -1]));
        Exact(x.grad!, [3], 2, -2, -6);
    }

    [Fact]
    public void RetainGraphAllowsASecondBackward()
    {
        using var scope = torch.NewDisposeScope();
        var x = Leaf(0, 1);
        var loss = x.exp().sum();
        loss.backward(retain_graph: true);
        loss.backward();
        Close([2, 2 * Math.E], x.grad!, 1e-15);
        var once = x.exp().sum();
        once.backward();
        var e = Assert.Throws<TorchException>(() => once.backward());
        Assert.Contains("Trying to backward through the graph a second time", e.Message);
        Close([3, 3 * Math.E], x.grad!, 1e-15);
    }

    [Fact]
    public void GradModeScopesNestAndRestore()
    {
        using var scope = torch.NewDisposeScope();
        var x = Leaf(1, 2);
        Assert.True(torch.is_grad_enabled());
        using (torch.no_grad())
        {
            Assert.False(torch.is_grad_enabled());
            Assert.False((x * 2).requires_grad);
            using (torch.enable_grad())
            {
                Assert.True(torch.is_grad_enabled());
                Assert.True((x * 2).requires_grad);
                using (torch.set_grad_enabled(false))
                {
                    Assert.False(torch.is_grad_enabled());
                }
                Assert.True(torch.is_grad_enabled());
            }
            Assert.False(torch.is_grad_enabled());
        }
        Assert.True(torch.is_grad_enabled());
        var guard = torch.set_grad_enabled(false);
        Assert.False(torch.is_grad_enabled());
        guard.Dispose();
        guard.Dispose();
        Assert.True(torch.is_grad_enabled());
    }

    [Fact]
    public void InferenceModeNestsAndRestores()
    {
        using var scope = torch.NewDisposeScope();
        var x = Leaf(1, 2);
        Tensor made;
        Assert.False(torch.is_inference_mode_enabled());
        using (torch.inference_mode())
        {
            Assert.True(torch.is_inference_mode_enabled());
            Assert.False(torch.is_grad_enabled());
            Assert.False((x * 2).requires_grad);
            made = torch.ones([2], torch.float64);
            using (torch.inference_mode(false))
            {
                Assert.False(torch.is_inference_mode_enabled());
                Assert.True(torch.is_grad_enabled());
            }
            Assert.True(torch.is_inference_mode_enabled());
        }
        Assert.False(torch.is_inference_mode_enabled());
        Assert.True(torch.is_grad_enabled());
        // Tensors made in inference mode cannot join a graph later; libtorch says so instead of crashing.
        Assert.Contains("Inference tensors cannot be saved for backward", Assert.Throws<TorchException>(() => (made * x).sum().backward()).Message);
    }

    [Fact]
    public void AutogradGradLeavesDotGradUntouched()
    {
        using var scope = torch.NewDisposeScope();
        var x = Leaf(1, -2, 3);
        var g = torch.autograd.grad([x.pow(3).sum()], [x])[0]!;
        Exact(g, [3], 3, 12, 27);
        Assert.Null(x.grad);
        Assert.False(g.requires_grad);
        var y = x * x;
        Exact(torch.autograd.grad([y], [x], [F64([1, 2, 3])])[0]!, [3], 2, -8, 18);
        var unused = Leaf(5);
        var z = (x * 2).sum();
        var both = torch.autograd.grad([z], [x, unused], retain_graph: true, allow_unused: true);
        Exact(both[0]!, [3], 2, 2, 2);
        Assert.Null(both[1]);
        Assert.Contains("appears to not have been used in the graph", Assert.Throws<TorchException>(() => torch.autograd.grad([z], [x, unused])).Message);
    }

    [Fact]
    public void CreateGraphGivesSecondDerivatives()
    {
        using var scope = torch.NewDisposeScope();
        var x = Leaf(1, -2, 3);
        var first = torch.autograd.grad([x.pow(3).sum()], [x], create_graph: true)[0]!;
        Assert.True(first.requires_grad);
        Exact(first, [3], 3, 12, 27);
        var second = torch.autograd.grad([first.sum()], [x])[0]!;
        Exact(second, [3], 6, -12, 18);
        // backward(create_graph) leaves a differentiable .grad too.
        x.sin().sum().backward(create_graph: true);
        var grad = x.grad!;
        Assert.True(grad.requires_grad);
        Close([Math.Cos(1), Math.Cos(-2), Math.Cos(3)], grad, 1e-15);
        Close([-Math.Sin(1), -Math.Sin(-2), -Math.Sin(3)], torch.autograd.grad([grad.sum()], [x])[0]!, 1e-15);
    }
}
