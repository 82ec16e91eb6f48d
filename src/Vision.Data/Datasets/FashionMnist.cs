namespace Vision.Data.Datasets;

/// <summary>
/// Fashion-MNIST (Zalando): 60,000 training and 10,000 test 28×28 grayscale images of 10 clothing classes.
/// Reads the four IDX files (gzip or plain) from a folder; by default Debian's <c>dataset-fashion-mnist</c>
/// location. The tensors are CPU-resident and owned by this object.
/// </summary>
public sealed class FashionMnist : IDisposable
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string DefaultRoot = "/usr/share/datasets/fashion-mnist";

    /// <summary>The class names, indexed by label.</summary>
    public static IReadOnlyList<string> Classes { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private FashionMnist(Tensor images, Tensor labels)
    {
        Images = images.DetachFromDisposeScope();
        Labels = labels.DetachFromDisposeScope();
    }

    /// <summary>The images as uint8, shape (N, 28, 28).</summary>
    public Tensor Images { get; }

    /// <summary>The labels as int64, shape (N).</summary>
    public Tensor Labels { get; }

    /// <summary>Number of samples.</summary>
    public long Count => Labels.shape[0];

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
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
