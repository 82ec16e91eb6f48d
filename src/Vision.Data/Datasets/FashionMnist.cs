namespace Vision.Data.Datasets;

/// <summary>
/// Fashion-MNIST (Zalando): 60,000 training and 10,000 test 28×28 grayscale images of 10 clothing classes.
/// Reads the four IDX files (gzip or plain) from a folder; by default Debian's <c>dataset-fashion-mnist</c>
/// location. The tensors are CPU-resident and owned by this object. As a dataset it yields single-channel
/// (28, 28, 1) uint8 images: the pixels are gray, so a model for it takes 1 input channel.
/// </summary>
public sealed class FashionMnist : IDataset, IDisposable
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string DefaultRoot = "/usr/share/datasets/fashion-mnist";

    private readonly InMemoryDataset data;

    /// <summary>The class names, indexed by label.</summary>
    public static IReadOnlyList<string> Classes { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private FashionMnist(Tensor images, Tensor labels) => data = new InMemoryDataset(images, labels, Classes);

    /// <summary>The images as uint8, shape (N, 28, 28).</summary>
    public Tensor Images => data.Images;

    /// <summary>The labels as int64, shape (N).</summary>
    public Tensor Labels => data.Labels;

    /// <summary>Number of samples.</summary>
    public int Count => data.Count;

    IReadOnlyList<string> IDataset.Classes => Classes;

    /// <summary>Sample <paramref name="index"/>: a copy of its image as uint8 (28, 28, 1) and its label.</summary>
    public DataSample Get(int index) => data.Get(index);

    /// <summary>Loads the training split (train=true) or the test split from <paramref name="root"/>.</summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message says which and how to install the dataset.</exception>
    public static FashionMnist Load(bool train, string root = DefaultRoot)
    {
        var prefix = train ? "train" : "t10k";
        var imagesPath = Find(root, $"{prefix}-images-idx3-ubyte");
        var labelsPath = Find(root, $"{prefix}-labels-idx1-ubyte");
        using var scope = torch.NewDisposeScope();
        var images = IdxFile.ReadBytes(imagesPath);
        var labels = IdxFile.ReadBytes(labelsPath);
        if (images.dim() != 3 || labels.dim() != 1 || images.shape[0] != labels.shape[0])
        {
            throw new InvalidDataException(
                $"{imagesPath} and {labelsPath} do not match: images [{string.Join(", ", images.shape)}], labels [{string.Join(", ", labels.shape)}].");
        }
        return new FashionMnist(images, labels.to(ScalarType.Int64));
    }

    private static string Find(string root, string name)
    {
        foreach (var candidate in new[] { name + ".gz", name })
        {
            var path = Path.Combine(root, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }
        throw new FileNotFoundException(
            $"Fashion-MNIST file {Path.Combine(root, name)}(.gz) not found. Install Debian's dataset-fashion-mnist " +
            $"(sudo apt-get install dataset-fashion-mnist) or pass the folder that holds the IDX files.", Path.Combine(root, name + ".gz"));
    }

    /// <summary>Frees the image and label tensors.</summary>
    public void Dispose() => data.Dispose();
}
