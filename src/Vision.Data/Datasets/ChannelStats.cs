using System.Runtime.ExceptionServices;
using Vision.Data.Image;

namespace Vision.Data.Datasets;

/// <summary>
/// Per-channel mean and standard deviation of a dataset over all its pixels, in pixel units 0–255 — the numbers
/// <see cref="Transforms.Normalize"/> takes. The std is the population std of all pixels of all images together
/// (not the average of per-image stds). The pixels are counted into exact per-channel histograms of the 256
/// values, so the result is exact up to the final float64 arithmetic and does not depend on the order or the
/// number of threads.
/// </summary>
public sealed class ChannelStats
{
    private ChannelStats(double[] mean, double[] std, long pixelCount)
    {
        Mean = mean;
        Std = std;
        PixelCount = pixelCount;
    }

    /// <summary>Mean per channel.</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>Population standard deviation per channel.</summary>
    public IReadOnlyList<double> Std { get; }

    /// <summary>Pixels counted per channel.</summary>
    public long PixelCount { get; }

    /// <summary>Computes the statistics of every image of <paramref name="dataset"/>, loading images on several threads.</summary>
    /// <param name="dataset">A dataset of uint8 (H, W, C) images, all with the same number of channels.</param>
    /// <param name="maxDegreeOfParallelism">Threads to load with; -1 uses all cores.</param>
    /// <exception cref="InvalidDataException">An image is not uint8 (H, W, C) or its channel count differs; the message names the sample.</exception>
    public static ChannelStats Compute(IDataset dataset, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Count == 0)
        {
            throw new ArgumentException("The dataset is empty.", nameof(dataset));
        }
        var channels = Histogram(dataset, 0, out _).Length / 256;
        var total = new long[channels * 256];
        try
        {
            Count(dataset, channels, total, maxDegreeOfParallelism);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            // Report a failing image as its own exception, not wrapped by Parallel.For.
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }

        var mean = new double[channels];
        var std = new double[channels];
        var pixels = 0L;
        for (var c = 0; c < channels; c++)
        {
            var counts = total.AsSpan(c * 256, 256);
            double n = 0, sum = 0;
            for (var v = 0; v < 256; v++)
            {
                n += counts[v];
                sum += (double)v * counts[v];
            }
            mean[c] = sum / n;
            // Two passes over the histogram: squared deviations from the exact mean, no cancellation.
            double squares = 0;
            for (var v = 0; v < 256; v++)
            {
                squares += (v - mean[c]) * (v - mean[c]) * counts[v];
            }
            std[c] = Math.Sqrt(squares / n);
            pixels = (long)n;
        }
        return new ChannelStats(mean, std, pixels);
    }

    // Thread-local histograms, summed at the end: integer sums make the result independent of the schedule.
    private static void Count(IDataset dataset, int channels, long[] total, int maxDegreeOfParallelism)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, dataset.Count, options, () => new long[channels * 256], (index, _, local) =>
        {
            var counts = Histogram(dataset, index, out var description);
            if (counts.Length != local.Length)
            {
                throw new InvalidDataException($"{description} has {counts.Length / 256} channels; the first image has {channels}.");
            }
            for (var i = 0; i < counts.Length; i++)
            {
                local[i] += counts[i];
            }
            return local;
        }, local =>
        {
            lock (total)
            {
                for (var i = 0; i < total.Length; i++)
                {
                    total[i] += local[i];
                }
            }
        });
    }

    private static long[] Histogram(IDataset dataset, int index, out string description)
    {
        using var sample = dataset.Get(index);
        description = sample.Source ?? $"sample {index}";
        var image = sample.Image;
        if (image.dtype != ScalarType.Byte || image.dim() != 3)
        {
            throw new InvalidDataException($"{description}: expected a uint8 (H, W, C) image, got {image.dtype} [{string.Join(", ", image.shape)}].");
        }
        return ImageOps.Histogram(image);
    }
}
