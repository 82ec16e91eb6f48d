using Vision.Data.BatchAugments;

namespace Vision.Data.Tests.BatchAugments;

public sealed class CutMixBoxTests
{
    [Fact]
    public void SampleFollowsTimmsRandBbox()
    {
        var clipped = 0;
        for (var seed = 0; seed < 200; seed++)
        {
            var lam = new Random(seed + 1000).NextDouble();
            var (h, w) = (13 + seed % 5, 17);
            var box = CutMixBox.Sample(new Random(seed), h, w, lam);
            var expected = Replay.RandBbox(new Random(seed), h, w, lam);
            Assert.Equal(expected, (box.Top, box.Bottom, box.Left, box.Right));
            Assert.InRange(box.Top, 0, box.Bottom);
            Assert.InRange(box.Bottom, box.Top, h);
            Assert.InRange(box.Left, 0, box.Right);
            Assert.InRange(box.Right, box.Left, w);
            var cut = (int)(h * Math.Sqrt(1 - lam)) / 2 * 2;
            if (box.Height < cut)
            {
                clipped++;
            }
        }
        Assert.True(clipped > 20, "the draws should include boxes clipped by the border");
    }

    [Fact]
    public void SampleMinMaxDrawsSidesThenCorner()
    {
        for (var seed = 0; seed < 100; seed++)
        {
            var box = CutMixBox.SampleMinMax(new Random(seed), 20, 30, 0.2, 0.8);
            var r = new Random(seed);
            var cutH = r.Next(4, 16);
            var cutW = r.Next(6, 24);
            var top = r.Next(20 - cutH);
            var left = r.Next(30 - cutW);
            Assert.Equal(new CutMixBox(top, top + cutH, left, left + cutW), box);
        }
    }

    [Fact]
    public void CorrectedLambdaIsTheUncoveredShare()
    {
        var box = new CutMixBox(2, 6, 1, 4);
        Assert.Equal(12, box.Area);
        Assert.Equal(1 - 12.0 / 80, box.CorrectedLambda(8, 10), 12);
    }
}
