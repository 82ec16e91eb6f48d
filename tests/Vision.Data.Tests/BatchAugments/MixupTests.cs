using Vision.Data.BatchAugments;

namespace Vision.Data.Tests.BatchAugments;

public sealed class MixupTests
{
    [Fact]
    public void BatchMixupBlendsWithOneLambdaFromBeta()
    {
        using var scope = torch.NewDisposeScope();
        var (images, labels) = Replay.ConstantBatch(6);
        var mixup = new Mixup(mixupAlpha: 0.4, labelSmoothing: 0, numClasses: 6);
        var (mixed, targets) = mixup.Apply(images, labels, new Random(11));

        var replay = new Random(11);
        replay.NextDouble(); // against prob
        var lam = replay.NextBeta(0.4, 0.4);
        var perm = Replay.Permutation(replay, 6);
        var lams = Enumerable.Repeat(lam, 6).ToArray();
        Replay.AssertTargets(targets, 6, perm, lams);
        Replay.AssertMixedPixels(mixed, perm, lams, new (int, int, int, int)?[6]);
        // The input is left as it was.
        Assert.Equal(Enumerable.Range(0, 6).Select(i => (float)i), images[TensorIndex.Ellipsis, 0, 0].select(1, 0).data<float>());
    }

    [Fact]
    public void BatchCutMixPastesThePartnersBoxAndCorrectsLambda()
    {
        using var scope = torch.NewDisposeScope();
        var (images, labels) = Replay.ConstantBatch(5);
        var mixup = new Mixup(mixupAlpha: 0, cutmixAlpha: 1.0, labelSmoothing: 0, numClasses: 5);
        var (mixed, targets) = mixup.Apply(images, labels, new Random(4));

        var replay = new Random(4);
        replay.NextDouble();
        var lam0 = replay.NextBeta(1, 1);
        var box = Replay.RandBbox(replay, 16, 16, lam0);
        var perm = Replay.Permutation(replay, 5);
        var lam = 1 - (box.Bottom - box.Top) * (box.Right - box.Left) / 256.0;
        Replay.AssertTargets(targets, 5, perm, Enumerable.Repeat(lam, 5).ToArray());
        Replay.AssertMixedPixels(mixed, perm, new double[5], Enumerable.Repeat<(int, int, int, int)?>(box, 5).ToArray());
    }

    // A seed whose CutMix box (drawn after prob and Beta) is clipped by the border, so the two lambdas differ.
    private static (int Seed, double Lam0, (int Top, int Bottom, int Left, int Right) Box) ClippedDraw()
    {
        for (var seed = 0; ; seed++)
        {
            var r = new Random(seed);
            r.NextDouble();
            var lam0 = r.NextBeta(1, 1);
            var box = Replay.RandBbox(r, 16, 16, lam0);
            var unclipped = (int)(16 * Math.Sqrt(1 - lam0)) / 2 * 2;
            if (Math.Abs((1 - (box.Bottom - box.Top) * (box.Right - box.Left) / 256.0) - lam0) > 0.1 && box.Bottom - box.Top < unclipped)
            {
                return (seed, lam0, box);
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void CorrectLamUsesTheClippedBoxArea(bool correctLam)
    {
        using var scope = torch.NewDisposeScope();
        var (seed, lam0, box) = ClippedDraw();
        var (images, labels) = Replay.ConstantBatch(4);
        var mixup = new Mixup(mixupAlpha: 0, cutmixAlpha: 1.0, correctLam: correctLam, labelSmoothing: 0, numClasses: 4);
        var (mixed, targets) = mixup.Apply(images, labels, new Random(seed));

        var replay = new Random(seed);
        replay.NextDouble();
        replay.NextBeta(1, 1);
        Replay.RandBbox(replay, 16, 16, lam0);
        var perm = Replay.Permutation(replay, 4);
        var lam = correctLam ? 1 - (box.Bottom - box.Top) * (box.Right - box.Left) / 256.0 : lam0;
        Replay.AssertTargets(targets, 4, perm, Enumerable.Repeat(lam, 4).ToArray());
        Replay.AssertMixedPixels(mixed, perm, new double[4], Enumerable.Repeat<(int, int, int, int)?>(box, 4).ToArray());
    }

    [Fact]
    public void CutmixMinMaxDrawsTheBoxFromTheRatiosAndAlwaysCorrects()
    {
        using var scope = torch.NewDisposeScope();
        var (images, labels) = Replay.ConstantBatch(4);
        var mixup = new Mixup(mixupAlpha: 0, cutmixMinmax: [0.25, 0.75], correctLam: false, labelSmoothing: 0, numClasses: 4);
        Assert.Equal(1.0, mixup.CutmixAlpha);
        var (mixed, targets) = mixup.Apply(images, labels, new Random(8));

        var replay = new Random(8);
        replay.NextDouble();
        replay.NextBeta(1, 1); // drawn as in timm, then replaced by the box's share
        var cutH = replay.Next(4, 12);
        var cutW = replay.Next(4, 12);
        var top = replay.Next(16 - cutH);
        var left = replay.Next(16 - cutW);
        var perm = Replay.Permutation(replay, 4);
        Replay.AssertTargets(targets, 4, perm, Enumerable.Repeat(1 - cutH * cutW / 256.0, 4).ToArray());
        Replay.AssertMixedPixels(mixed, perm, new double[4],
            Enumerable.Repeat<(int, int, int, int)?>((top, top + cutH, left, left + cutW), 4).ToArray());
    }

    [Fact]
    public void ElemModeDrawsLambdaSwitchAndBoxPerSample()
    {
        using var scope = torch.NewDisposeScope();
        const int n = 7;
        var (images, labels) = Replay.ConstantBatch(n);
        var mixup = new Mixup(mixupAlpha: 1.0, cutmixAlpha: 1.0, switchProb: 0.5, prob: 0.8, mode: MixupMode.Elem, labelSmoothing: 0, numClasses: n);
        var (mixed, targets) = mixup.Apply(images, labels, new Random(21));

        var replay = new Random(21);
        var lam = new double[n];
        var boxes = new (int, int, int, int)?[n];
        for (var i = 0; i < n; i++)
        {
            lam[i] = 1;
            if (replay.NextDouble() >= 0.8)
            {
                continue;
            }
            var cut = replay.NextDouble() < 0.5;
            lam[i] = replay.NextBeta(1, 1);
            if (cut)
            {
                var box = Replay.RandBbox(replay, 16, 16, lam[i]);
                boxes[i] = box;
                lam[i] = 1 - (box.Bottom - box.Top) * (box.Right - box.Left) / 256.0;
            }
        }
        var perm = Replay.Permutation(replay, n);
        Assert.Contains(boxes, b => b is not null);
        Assert.Contains(Enumerable.Range(0, n), i => boxes[i] is null && lam[i] != 1);
        Assert.True(lam.Distinct().Count() > 3);
        Replay.AssertTargets(targets, n, perm, lam);
        Replay.AssertMixedPixels(mixed, perm, lam, boxes);
    }

    [Fact]
    public void PairModeMixesPairsOfThePermutationBothWaysAndLeavesTheOddOneOut()
    {
        using var scope = torch.NewDisposeScope();
        const int n = 7;
        var (images, labels) = Replay.ConstantBatch(n);
        var mixup = new Mixup(mixupAlpha: 1.0, mode: MixupMode.Pair, labelSmoothing: 0, numClasses: n);
        var (mixed, targets) = mixup.Apply(images, labels, new Random(5));

        var replay = new Random(5);
        var pairLam = new double[n / 2];
        for (var g = 0; g < pairLam.Length; g++)
        {
            replay.NextDouble();
            pairLam[g] = replay.NextBeta(1, 1);
        }
        var perm = Replay.Permutation(replay, n);
        var partner = Enumerable.Range(0, n).ToArray();
        var lam = Enumerable.Repeat(1.0, n).ToArray();
        for (var g = 0; g < pairLam.Length; g++)
        {
            var (a, b) = (perm[2 * g], perm[2 * g + 1]);
            (partner[a], partner[b]) = (b, a);
            lam[a] = lam[b] = pairLam[g];
        }
        Assert.Equal(perm[n - 1], partner[perm[n - 1]]);
        Replay.AssertTargets(targets, n, partner, lam);
        Replay.AssertMixedPixels(mixed, partner, lam, new (int, int, int, int)?[n]);
    }

    [Theory]
    [InlineData(MixupMode.Batch)]
    [InlineData(MixupMode.Pair)]
    [InlineData(MixupMode.Elem)]
    public void OddBatchesWorkInEveryMode(MixupMode mode)
    {
        using var scope = torch.NewDisposeScope();
        var images = torch.rand(5, 3, 8, 8);
        using var labels = torch.tensor(new long[] { 3, 1, 4, 1, 5 });
        var mixup = new Mixup(mixupAlpha: 0.8, cutmixAlpha: 1.0, mode: mode, numClasses: 10);
        var (mixed, targets) = mixup.Apply(images, labels, new Random(2));
        Assert.Equal(images.shape, mixed.shape);
        Assert.Equal(new long[] { 5, 10 }, targets.shape);
        Assert.All(targets.sum(1).data<float>(), s => Assert.Equal(1f, s, 5));
    }

    [Theory]
    [InlineData(1.0, true)]
    [InlineData(0.0, false)]
    public void SwitchProbChoosesBetweenCutMixAndMixup(double switchProb, bool expectCutmix)
    {
        using var scope = torch.NewDisposeScope();
        var (images, labels) = Replay.ConstantBatch(4);
        var mixup = new Mixup(mixupAlpha: 1.0, cutmixAlpha: 1.0, switchProb: switchProb, numClasses: 4);
        for (var seed = 0; seed < 10; seed++)
        {
            var (mixed, _) = mixup.Apply(images, labels, new Random(seed));
            // CutMix only moves pixels, so every value stays a whole sample index; Mixup blends.
            var whole = mixed.data<float>().All(v => v == MathF.Round(v));
            Assert.Equal(expectCutmix, whole);
        }
    }

    [Fact]
    public void UnmixedBatchGetsTimmsSmoothedOneHotTargets()
    {
        using var scope = torch.NewDisposeScope();
        var (images, labels) = Replay.ConstantBatch(3);
        var mixup = new Mixup(prob: 0.0, labelSmoothing: 0.1, numClasses: 4);
        var (mixed, targets) = mixup.Apply(images, labels, new Random(0));
        Assert.True(mixed.equal(images));
        // on = 1 - 0.1 + 0.1 / 4 = 0.925, off = 0.1 / 4 = 0.025.
        Assert.Equal(new[] { 0.925f, 0.025f, 0.025f, 0.025f, 0.025f, 0.925f, 0.025f, 0.025f, 0.025f, 0.025f, 0.925f, 0.025f },
            targets.data<float>().Select(v => MathF.Round(v, 6)));
    }

    [Fact]
    public void DisabledMixupDrawsNothing()
    {
        using var scope = torch.NewDisposeScope();
        var (images, labels) = Replay.ConstantBatch(3);
        var mixup = new Mixup(numClasses: 3, labelSmoothing: 0) { MixupEnabled = false };
        var rng = new Random(6);
        var (mixed, targets) = mixup.Apply(images, labels, rng);
        Assert.True(mixed.equal(images));
        Replay.AssertTargets(targets, 3, [0, 1, 2], [1, 1, 1]);
        // Only the permutation drew (2 draws for 3 samples).
        var twin = new Random(6);
        Replay.Permutation(twin, 3);
        Assert.Equal(twin.Next(), rng.Next());
    }

    [Theory]
    [InlineData(-1.0, 0.0, null, 1.0, "mixupAlpha", "mixup_alpha")]
    [InlineData(0.0, 0.0, null, 1.0, "mixupAlpha", "mixup_alpha")]
    [InlineData(1.0, 0.0, new[] { 0.5, 0.4 }, 1.0, "cutmixMinmax", "cutmix_minmax")]
    [InlineData(1.0, 0.0, null, 1.5, "prob", "prob")]
    public void InvalidOptionsAreNamed(double mixupAlpha, double cutmixAlpha, double[]? minmax, double prob, string parameter, string configKey)
    {
        // The parameter in code, the configuration key (what a config file user writes) in the message.
        var e = Assert.ThrowsAny<ArgumentException>(() => new Mixup(mixupAlpha, cutmixAlpha, minmax, prob));
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains(configKey, e.Message);
    }

    [Fact]
    public void Uint8ImagesAreRejectedWithAdvice()
    {
        using var scope = torch.NewDisposeScope();
        var images = torch.zeros([2, 3, 4, 4], torch.uint8);
        var e = Assert.Throws<ArgumentException>(() => new Mixup(numClasses: 2).Apply(images, torch.arange(2), new Random(0)));
        Assert.Contains("convert the collated uint8 batch to float", e.Message);
    }
}
