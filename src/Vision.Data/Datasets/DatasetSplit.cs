namespace Vision.Data.Datasets;

/// <summary>The result of <see cref="DatasetSplitter.Split"/>: the samples of each split, paths relative to the source folder.</summary>
public sealed class DatasetSplit
{
    internal DatasetSplit(IReadOnlyList<string> classes, IReadOnlyList<(string Path, int Label)> train,
        IReadOnlyList<(string Path, int Label)> val, IReadOnlyList<(string Path, int Label)> test)
    {
        Classes = classes;
        Train = train;
        Val = val;
        Test = test;
    }

    /// <summary>The class names, indexed by label.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The training samples.</summary>
    public IReadOnlyList<(string Path, int Label)> Train { get; }

    /// <summary>The validation samples.</summary>
    public IReadOnlyList<(string Path, int Label)> Val { get; }

    /// <summary>The test samples (empty when the test ratio is 0).</summary>
    public IReadOnlyList<(string Path, int Label)> Test { get; }
}
