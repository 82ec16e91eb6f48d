using Vision.Data.BatchAugments;
using Vision.nn;
using F = Vision.nn.functional;

namespace Vision.Data.Tests.BatchAugments;

public sealed class ResizeMixTests
{
    private static (double Lam, (int Top, int Bottom, int Left, int Right) Box, int[] Perm) ReplayDraws(int seed, int n)
    {
        var replay = new Random(seed);
        replay.NextDouble(); // against prob
        var lam0 = 0.1 + replay.NextBeta(1, 1) * (0.8 - 0.1);
        var box = Replay.RandBbox(replay, 16, 16, lam0);
        var perm = Replay.Permutation(replay, n);
        return (1 - (box.Bottom - box.Top) * (box.Right - box.Left) / 256.0, box, perm);
    }

    [Fact]
    public void PastesThePartnerIntoTheBoxWithLambdaFromItsArea()
    {
        using var scope = torch.NewDisposeScope();
        var (images, labels) = Replay.ConstantBatch(5);
        var (mixed, targets) = new ResizeMix(alpha: 1.0, numClasses: 5).Apply(images, labels, new Random(3));
        var (lam, box, perm) = ReplayDraws(3, 5);
        Assert.True(box.Bottom > box.Top && box.Right > box.Left);
        Replay.AssertTargets(targets, 5, perm, Enumerable.Repeat(lam, 5).ToArray());
        // A constant image resizes to itself: the box holds the partner's value, the rest the own value.
        Replay.AssertMixedPixels(mixed, perm, new double[5], Enumerable.Repeat<(int, int, int, int)?>(box, 5).ToArray());
    }

    [Fact]
    public void TheBoxHoldsTheWholePartnerImageResized()
    {
        using var scope = torch.NewDisposeScope();
        var images = torch.rand(3, 2, 16, 16);
        var labels = torch.arange(3);
        var (mixed, _) = new ResizeMix(alpha: 1.0, numClasses: 3).Apply(images, labels, new Random(9));
        var (_, box, perm) = ReplayDraws(9, 3);
        var (h, w) = (box.Bottom - box.Top, box.Right - box.Left);
        var expected = F.interpolate(images.index_select(0, torch.tensor(perm.Select(p => (long)p).ToArray())), size: [h, w],
            mode: InterpolationMode.Bilinear, align_corners: false);
        var region = mixed.narrow(2, box.Top, h).narrow(3, box.Left, w);
        Assert.True(region.allclose(expected, atol: 1e-6));
        // Outside the box the images are untouched.
        var outside = torch.ones([3, 2, 16, 16], torch.@bool);
        outside.narrow(2, box.Top, h).narrow(3, box.Left, w).fill_(0);
        Assert.True(mixed[outside].equal(images[outside]));
    }

    [Fact]
    public void ProbZeroLeavesTheBatchWithOneHotTargets()
    {
        using var scope = torch.NewDisposeScope();
        var (images, labels) = Replay.ConstantBatch(2);
        var (mixed, targets) = new ResizeMix(alpha: 1.0, numClasses: 3, prob: 0).Apply(images, labels, new Random(0));
        Assert.True(mixed.equal(images));
        Assert.Equal(new[] { 1f, 0, 0, 0, 1, 0 }, targets.data<float>());
    }

    [Fact]
    public void LamRangeIsValidated()
    {
        var e = Assert.Throws<ArgumentException>(() => new ResizeMix(1.0, 10, lamMin: 0.9, lamMax: 0.2));
        Assert.Contains("lam_min", e.Message);
    }
}
