using System.Runtime.CompilerServices;
using static Vision.Tests.Tensors.TensorAssert;

namespace Vision.Tests.Autograd;

public class HookTests
{
    [Fact]
    public void ObservingHookSeesTheGradientAndKeepsIt()
    {
        using var scope = torch.NewDisposeScope();
        var x = F64([1, 2, 3]).requires_grad_();
        var seen = new List<double[]>();
        using var hook = x.register_hook(g =>
        {
            seen.Add(g.data<double>());
            return null;
        });
        (x * 3).sum().backward();
        Assert.Equal([[3, 3, 3]], seen);
        Exact(x.grad!, [3], 3, 3, 3);
    }

    [Fact]
    public void ReplacingHookChangesTheGradientThatFlowsOn()
    {
        using var scope = torch.NewDisposeScope();
        var x = F64([1, 2, 3]).requires_grad_();
        var y = x * 2;
        using var times10 = y.register_hook(g => g * 10);
        using var plusOne = y.register_hook(g => g + 1);
        using var identity = y.register_hook(g => g);
        // dL/dy = 2y = 4x, then *10, then +1; dL/dx = 2 * that.
        (y * y).sum().backward();
        Exact(x.grad!, [3], 82, 162, 242);
    }

    [Fact]
    public void DisposingTheRegistrationRemovesTheHook()
    {
        using var scope = torch.NewDisposeScope();
        var x = F64([1, 2]).requires_grad_();
        var calls = 0;
        var hook = x.register_hook(g =>
        {
            calls++;
            return g * 0;
        });
        (x * 5).sum().backward();
        Assert.Equal(1, calls);
        Exact(x.grad!, [2], 0, 0);
        hook.Dispose();
        hook.Dispose();
        (x * 5).sum().backward();
        Assert.Equal(1, calls);
        Exact(x.grad!, [2], 5, 5);
    }

    [Fact]
    public void ExceptionInAHookSurfacesFromBackward()
    {
        using var scope = torch.NewDisposeScope();
        var x = F64([1, 2]).requires_grad_();
        var hook = x.register_hook(_ => throw new InvalidOperationException("boom from the hook"));
        var e = Assert.Throws<TorchException>(() => (x * 2).sum().backward());
        Assert.Contains("InvalidOperationException", e.Message);
        Assert.Contains("boom from the hook", e.Message);
        hook.Dispose();
        (x * 2).sum().backward();
        Exact(x.grad!, [2], 2, 2);
    }

    [Fact]
    public void RegisteringOnATensorWithoutGradFailsCleanly()
    {
        using var scope = torch.NewDisposeScope();
        var e = Assert.Throws<TorchException>(() => torch.ones(2).register_hook(g => g));
        Assert.Contains("doesn't require gradient", e.Message);
    }

    [Fact]
    public void HookCallbacksAreReleasedWhenTheHookOrTheTensorGoes()
    {
        var (tensor, registration, removedState, keptState) = RegisterTwoHooks();
        registration.Dispose();
        Collect();
        Assert.False(removedState.IsAlive, "a removed hook's callback stayed reachable");
        Assert.True(keptState.IsAlive, "a registered hook's callback was released while the tensor lives");
        tensor.Dispose();
        Collect();
        Assert.False(keptState.IsAlive, "the callback outlived its tensor");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (Tensor, IDisposable, WeakReference, WeakReference) RegisterTwoHooks()
    {
        var t = DisposeScope.Detach(torch.ones([2], torch.float32, requires_grad: true));
        var (registration, removedState) = Hook(t);
        var (_, keptState) = Hook(t);
        return (t, registration, removedState, keptState);
    }

    // The hook captures an object reachable only through it (one closure per call), so the object's liveness shows
    // whether the shim let go of the callback.
    private static (IDisposable, WeakReference) Hook(Tensor t)
    {
        var state = new object();
        return (t.register_hook(g => state.GetHashCode() == 0 ? g : null), new WeakReference(state));
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
