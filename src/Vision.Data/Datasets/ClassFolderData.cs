using System.Globalization;
using Vision.Data.Loading;

namespace Vision.Data.Datasets;

/// <summary>
/// A class-per-folder image dataset with a loader per split, the usual start of a training program:
/// <list type="bullet">
/// <item><see cref="Open"/>: a tree already split into <c>train/</c>, <c>val/</c> and an optional <c>test/</c> folder,
/// each holding one sub-folder per class (the layout of ImageNet and of most exported datasets);</item>
/// <item><see cref="Split"/>: one folder with a sub-folder per class, divided in memory into training and validation
/// images, stratified per class (the split of <see cref="DatasetSplitter"/>, without writing files).</item>
/// </list>
/// <code>
/// using var data = ClassFolderData.Split("photos/", valFraction: 0.2, trainTransforms, evalTransforms, batchSize: 32, workers: 4, seed: 0);
/// Trainer.Create(model, data.Train, data.Val)...
/// </code>
/// The class list is the training folder's (sorted sub-folder names); validation and test folders are indexed with
/// it so that labels agree.
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

    /// <summary>What a final report evaluates: the test split, or the validation split when there is none.</summary>
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
        var loaders = new LoaderSettings(trainTransforms, evalTransforms, batchSize, workers, seed, dropLast);
        return new ClassFolderData(trainFolder.Classes, loaders.Train(trainFolder), loaders.Eval(valFolder),
            testFolder is null ? null : loaders.Eval(testFolder));
    }

    /// <summary>
    /// Indexes <paramref name="root"/> (one sub-folder per class) and divides each class's images at random into
    /// training and validation images, <paramref name="valFraction"/> of them (rounded) for validation.
    /// The same folder, fraction and seed always give the same split.
    /// </summary>
    /// <param name="root">The class-per-folder tree (<c>root/&lt;class&gt;/**/&lt;image&gt;</c>).</param>
    /// <param name="valFraction">The share of each class held out for validation, in (0, 1).</param>
    /// <param name="trainTransforms">Per-sample transforms of training images (decode happens before them).</param>
    /// <param name="evalTransforms">Per-sample transforms of validation images.</param>
    /// <param name="batchSize">Samples per batch, for both splits.</param>
    /// <param name="workers">Loader threads per split.</param>
    /// <param name="seed">Seeds the split, the shuffle and the per-sample random transforms.</param>
    /// <param name="dropLast">Drop the last, smaller training batch.</param>
    /// <exception cref="ArgumentException"><paramref name="valFraction"/> is outside (0, 1), or leaves no validation image.</exception>
    /// <exception cref="DirectoryNotFoundException"><paramref name="root"/> does not exist.</exception>
    public static ClassFolderData Split(string root, double valFraction, IReadOnlyList<ITransform> trainTransforms,
        IReadOnlyList<ITransform> evalTransforms, int batchSize, int workers, long seed, bool dropLast = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        if (!(valFraction > 0 && valFraction < 1))
        {
            throw new ArgumentException($"ClassFolderData: valFraction must lie in (0, 1), got {valFraction.ToString(CultureInfo.InvariantCulture)}.", nameof(valFraction));
        }
        var folder = new ImageFolder(root);
        var splits = DatasetSplitter.AssignIndices(folder, 1 - valFraction, valFraction, 0, unchecked((int)seed));
        if (splits[1].Count == 0)
        {
            throw new ArgumentException(
                $"ClassFolderData: valFraction {valFraction.ToString(CultureInfo.InvariantCulture)} of the {folder.Count} images in {root} " +
                "leaves no validation image; add images or raise the fraction.", nameof(valFraction));
        }
        var loaders = new LoaderSettings(trainTransforms, evalTransforms, batchSize, workers, seed, dropLast);
        return new ClassFolderData(folder.Classes, loaders.Train(new Subset(folder, splits[0])), loaders.Eval(new Subset(folder, splits[1])), null);
    }

    /// <summary>Stops the loaders' workers.</summary>
    public void Dispose()
    {
        Train.Dispose();
        Val.Dispose();
        Test?.Dispose();
    }

    private sealed record LoaderSettings(IReadOnlyList<ITransform> TrainTransforms, IReadOnlyList<ITransform> EvalTransforms,
        int BatchSize, int Workers, long Seed, bool DropLast)
    {
        public DataLoader Train(IDataset dataset) => Create(dataset, training: true, TrainTransforms);

        public DataLoader Eval(IDataset dataset) => Create(dataset, training: false, EvalTransforms);

        private DataLoader Create(IDataset dataset, bool training, IReadOnlyList<ITransform> transforms) => new(dataset, new DataLoaderOptions
        {
            BatchSize = BatchSize,
            Shuffle = training,
            DropLast = training && DropLast,
            NumWorkers = Workers,
            PersistentWorkers = Workers > 0,
            Seed = Seed,
        }, transforms);
    }
}
