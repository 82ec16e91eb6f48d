namespace Vision.Data.Datasets;

/// <summary>
/// The samples of another dataset at the given indices, in that order (torch.utils.data.Subset), e.g. one split of a
/// folder divided in memory. Sample <c>i</c> is the underlying dataset's sample <c>indices[i]</c> (with index <c>i</c>); the classes are its classes.
/// </summary>
public sealed class Subset : IDataset
{
    private readonly IDataset dataset;
    private readonly int[] indices;

    /// <summary>Selects <paramref name="indices"/> of <paramref name="dataset"/> (which stays the caller's).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the dataset.</exception>
    public Subset(IDataset dataset, IEnumerable<int> indices)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(indices);
        this.dataset = dataset;
        this.indices = [.. indices];
        foreach (var index in this.indices)
        {
            if (index < 0 || index >= dataset.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), index, $"Subset: index {index} is outside the dataset of {dataset.Count} samples.");
            }
        }
    }

    /// <summary>The underlying indices, in this subset's order.</summary>
    public IReadOnlyList<int> Indices => indices;

    /// <inheritdoc/>
    public int Count => indices.Length;

    /// <inheritdoc/>
    public IReadOnlyList<string> Classes => dataset.Classes;

    /// <inheritdoc/>
    public DataSample Get(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        // The sample is re-issued with this subset's index (batches report indices into the loader's dataset).
        return dataset.Get(indices[index]).WithIndex(index);
    }
}
