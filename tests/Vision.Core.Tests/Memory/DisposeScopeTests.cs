namespace Vision.Tests.Memory;

public class DisposeScopeTests
{
    [Fact]
    public void AScopeDisposesExactlyTheTensorsCreatedInsideIt()
    {
        Assert.Null(DisposeScope.Current);
        using var outside = torch.ones(3);
        var created = new List<Tensor>();
        using (var scope = torch.NewDisposeScope())
        {
            Assert.Same(scope, DisposeScope.Current);
            Assert.Equal(0, scope.Count);
            created.Add(torch.zeros(3));
            created.Add(created[0] + outside);
            created.Add(created[1].view(3, 1));
            Assert.Equal(3, scope.Count);
            var (values, indices) = created[1].max(0);
            created.AddRange([values, indices, .. created[1].chunk(3)]);
            Assert.Equal(8, scope.Count);
            created[0].Dispose();
            Assert.Equal(7, scope.Count);
        }
        Assert.Null(DisposeScope.Current);
        Assert.All(created, t => Assert.True(t.IsDisposed));
        Assert.False(outside.IsDisposed);
    }

    [Fact]
    public void NestedScopesOwnTheirOwnTensors()
    {
        Tensor outerTensor, innerTensor;
        using (var outer = torch.NewDisposeScope())
        {
            outerTensor = torch.ones(2);
            using (var inner = torch.NewDisposeScope())
            {
                Assert.Same(outer, inner.Outer);
                innerTensor = outerTensor * 2;
                Assert.Equal(1, inner.Count);
                Assert.Equal(1, outer.Count);
            }
            Assert.Same(outer, DisposeScope.Current);
            Assert.True(innerTensor.IsDisposed);
            Assert.False(outerTensor.IsDisposed);
            Assert.Equal(1, outer.Count);
        }
        Assert.True(outerTensor.IsDisposed);
    }

    [Fact]
    public void MoveToOuterHandsATensorToTheEnclosingScope()
    {
        Tensor kept, alsoKept, unscoped;
        using (var outer = torch.NewDisposeScope())
        {
            using (var inner = torch.NewDisposeScope())
            {
                kept = torch.ones(2).MoveToOuterDisposeScope();
                alsoKept = inner.MoveToOuter(torch.zeros(2));
                Assert.Equal(0, inner.Count);
                Assert.Equal(2, outer.Count);
                Assert.Throws<InvalidOperationException>(() => outer.MoveToOuter(torch.ones(1)));
            }
            Assert.False(kept.IsDisposed);
            Assert.False(alsoKept.IsDisposed);
            unscoped = kept.MoveToOuterDisposeScope();
            Assert.Equal(1, outer.Count);
        }
        Assert.True(alsoKept.IsDisposed);
        Assert.False(unscoped.IsDisposed);
        Assert.Same(kept, unscoped);
        Assert.Equal(2, unscoped.numel());
        unscoped.Dispose();
    }

    [Fact]
    public void MovingTwiceOrMovingAnOuterTensorGoesNoFurtherThanTheEnclosingScope()
    {
        Tensor twice, argument;
        using (var outer = torch.NewDisposeScope())
        {
            argument = torch.ones(3);
            using (var inner = torch.NewDisposeScope())
            {
                twice = torch.ones(2).MoveToOuterDisposeScope().MoveToOuterDisposeScope();
                Assert.Same(argument, argument.MoveToOuterDisposeScope());
                Assert.Equal(0, inner.Count);
                Assert.Equal(2, outer.Count);
            }
            Assert.False(twice.IsDisposed);
            Assert.Same(outer, argument.OwningScope);
        }
        Assert.True(twice.IsDisposed);
        Assert.True(argument.IsDisposed);
    }

    [Fact]
    public void DetachTakesATensorOutOfEveryScope()
    {
        Tensor detached, viaStatic;
        using (var outer = torch.NewDisposeScope())
        {
            using (var inner = torch.NewDisposeScope())
            {
                detached = torch.ones(2).DetachFromDisposeScope();
                viaStatic = DisposeScope.Detach(torch.ones(3));
                var scoped = torch.ones(4);
                Assert.Equal(1, inner.Count);
                Assert.Same(scoped, scoped.MoveToOuterDisposeScope().DetachFromDisposeScope());
                Assert.Equal(0, inner.Count);
                Assert.Equal(0, outer.Count);
                scoped.Dispose();
            }
        }
        Assert.False(detached.IsDisposed);
        Assert.False(viaStatic.IsDisposed);
        Assert.Equal(5, (detached.sum() + viaStatic.sum()).item<float>());
        detached.Dispose();
        viaStatic.Dispose();
    }

    [Fact]
    public void DisposingAScopeTwiceIsHarmless()
    {
        var scope = torch.NewDisposeScope();
        var t = torch.ones(1);
        scope.Dispose();
        scope.Dispose();
        Assert.True(t.IsDisposed);
        Assert.Null(DisposeScope.Current);
    }
}
