namespace Vision.Engine.Logging;

/// <summary>
/// The recent values of one scalar (MMEngine's <c>HistoryBuffer</c>): the latest value and count-weighted means
/// over the last values, which smooth a noisy loss over a log interval. Holds the last <see cref="Capacity"/> values.
/// </summary>
public sealed class ScalarHistory
{
    /// <summary>How many values are kept.</summary>
    public const int Capacity = 1024;

    private readonly Queue<(double Value, int Count)> values = new();

    /// <summary>The latest value.</summary>
    public double Current { get; private set; } = double.NaN;

    /// <summary>How many values were recorded in all (including those no longer kept).</summary>
    public long Updates { get; private set; }

    /// <summary>Records <paramref name="value"/>, a mean over <paramref name="count"/> items (e.g. a batch's samples).</summary>
    public void Update(double value, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (values.Count == Capacity)
        {
            values.Dequeue();
        }
        values.Enqueue((value, count));
        Current = value;
        Updates++;
    }

    /// <summary>The count-weighted mean of the last <paramref name="window"/> values (all kept values when larger); NaN when empty.</summary>
    public double Mean(int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        double sum = 0;
        long count = 0;
        foreach (var (value, n) in values.Skip(Math.Max(0, values.Count - window)))
        {
            sum += value * n;
            count += n;
        }
        return count == 0 ? double.NaN : sum / count;
    }
}
