using Vision.Engine.Amp;
using Vision.Engine.Optim;

namespace Vision.Engine.Tests.Amp;

public sealed class GradScalerTests
{
    private static (Tensor Param, SGD Optimizer) Problem(double gradValue)
    {
        var p = torch.ones([2]).requires_grad_();
        p.grad = torch.full([2], gradValue);
        return (p, new SGD([p], lr: 1.0));
    }

    [Fact]
    public void ScalesTheLossAndUnscalesGradientsBeforeStepping()
    {
        var scaler = new GradScaler(init_scale: 1024);
        using var loss = torch.tensor(0.5);
        using var scaled = scaler.scale(loss);
        Assert.Equal(512.0, scaled.item<double>());

        var (p, optimizer) = Problem(256);
        using (p)
        using (optimizer)
        {
            Assert.True(scaler.step(optimizer));
            scaler.update();
            // The gradient 256 was unscaled to 0.25 before the SGD step: 1 - 1.0 * 0.25.
            Assert.Equal([0.75f, 0.75f], p.data<float>());
        }
    }

    [Fact]
    public void AnOverflowSkipsTheStepAndBacksOffWhileCleanStepsGrowTheScale()
    {
        var scaler = new GradScaler(init_scale: 65536, growth_factor: 2, backoff_factor: 0.5, growth_interval: 3);
        var (p, optimizer) = Problem(double.PositiveInfinity);
        using (p)
        using (optimizer)
        {
            Assert.True(scaler.unscale_(optimizer));
            Assert.False(scaler.step(optimizer));
            scaler.update();
            Assert.Equal([1f, 1f], p.data<float>());
            Assert.Equal(32768, scaler.get_scale());

            for (var step = 1; step <= 3; step++)
            {
                p.grad = torch.zeros([2]);
                Assert.True(scaler.step(optimizer));
                scaler.update();
                Assert.Equal(step < 3 ? 32768 : 65536, scaler.get_scale());
            }
            Assert.Equal(new GradScalerState(65536, 2, 0.5, 3, 0), scaler.state_dict());
        }
    }

    [Fact]
    public void StateRoundTripsAndMisuseIsRefused()
    {
        var scaler = new GradScaler();
        scaler.load_state_dict(new GradScalerState(128, 4, 0.25, 10, 7));
        Assert.Equal(new GradScalerState(128, 4, 0.25, 10, 7), scaler.state_dict());

        var (p, optimizer) = Problem(1);
        using (p)
        using (optimizer)
        {
            scaler.unscale_(optimizer);
            Assert.Throws<InvalidOperationException>(() => scaler.unscale_(optimizer));
        }
        Assert.Throws<ArgumentException>(() => new GradScaler(backoff_factor: 1));
    }
}
