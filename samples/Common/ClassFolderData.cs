using Vision.Data;
using Vision.Data.Datasets;
using Vision.Data.Loading;

namespace Vision.Samples.Common;

/// <summary>
/// A class-per-folder dataset split into <c>train/</c>, <c>val/</c> and an optional <c>test/</c> folder, each holding
/// one sub-folder per class (the layout of ImageNet and of most exported datasets), with a loader per split. The class
/// list is the training folder's; validation and test folders are indexed with it so that labels agree.
/// </summary>
public sealed class ClassFolderData : IDisposable
{
    private ClassFolderData(IReadOnlyList<string> classes, DataLoader train, DataLoader val, DataLoader? test)
    {
        Classes = classes;
        Train = train;
        Val = val;
        Test = test;
    }

    /// <summary>The class names, indexed by label.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Shuffled training batches.</summary>
    public DataLoader Train { get; }

    /// <summary>Validation batches, in file order.</summary>
    public DataLoader Val { get; }

    /// <summary>Test batches, in file order; null when the dataset has no <c>test/</c> folder.</summary>
    public DataLoader? Test { get; }

    /// <summary>What the final report evaluates: the test split, or the validation split when there is none.</summary>
    public DataLoader TestOrVal => Test ?? Val;

    /// <summary>Indexes the splits under <paramref name="root"/> and creates their loaders.</summary>
    /// <param name="root">The folder holding train/, val/ and optionally test/.</param>
    /// <param name="trainTransforms">Per-sample transforms of training images (decode happens before them).</param>
    /// <param name="evalTransforms">Per-sample transforms of validation and test images.</param>
    /// <param name="batchSize">Samples per batch, for every split.</param>
    /// <param name="workers">Loader threads per split.</param>
    /// <param name="seed">Seeds the shuffle and the per-sample random transforms.</param>
    /// <param name="dropLast">Drop the last, smaller training batch.</param>
    /// <exception cref="DirectoryNotFoundException">train/ or val/ is missing.</exception>
    public static ClassFolderData Open(string root, IReadOnlyList<ITransform> trainTransforms, IReadOnlyList<ITransform> evalTransforms,
        int batchSize, int workers, long seed, bool dropLast = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var trainFolder = new ImageFolder(Path.Combine(root, "train"));
        var valFolder = new ImageFolder(Path.Combine(root, "val"), classes: trainFolder.Classes);
        var testRoot = Path.Combine(root, "test");
        var testFolder = Directory.Exists(testRoot) ? new ImageFolder(testRoot, classes: trainFolder.Classes) : null;

        DataLoader Loader(ImageFolder folder, bool training, IReadOnlyList<ITransform> transforms) => new(folder, new DataLoaderOptions
        {
            BatchSize = batchSize,
            Shuffle = training,
            DropLast = training && dropLast,
            NumWorkers = workers,
            PersistentWorkers = workers > 0,
            Seed = seed,
        }, transforms);

        var train = Loader(trainFolder, true, trainTransforms);
        var val = Loader(valFolder, false, evalTransforms);
        var test = testFolder is null ? null : Loader(testFolder, false, evalTransforms);
        return new ClassFolderData(trainFolder.Classes, train, val, test);
    }

    /// <summary>Stops the loaders' workers.</summary>
    public void Dispose()
    {
        Train.Dispose();
        Val.Dispose();
        Test?.Dispose();
    }
}
