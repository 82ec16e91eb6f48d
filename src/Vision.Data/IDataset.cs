namespace Vision.Data;

/// <summary>
/// A finite, indexable collection of labelled images (MMPreTrain's BaseDataset, torchvision's Dataset).
/// <see cref="Get"/> must be safe to call from several loader threads at once.
/// </summary>
public interface IDataset
{
    /// <summary>Number of samples.</summary>
    int Count { get; }

    /// <summary>The class names, indexed by label.</summary>
    IReadOnlyList<string> Classes { get; }

    /// <summary>Loads sample <paramref name="index"/> (decoded, untransformed). The caller owns the result.</summary>
    DataSample Get(int index);
}
