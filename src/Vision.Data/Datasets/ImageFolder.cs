using System.Globalization;
using Vision.Data.Image;

namespace Vision.Data.Datasets;

/// <summary>
/// Image files on disk with their labels (torchvision's ImageFolder, MMPreTrain's CustomDataset). Two layouts:
/// <list type="bullet">
/// <item>Class per folder: <c>root/&lt;class&gt;/**/&lt;image&gt;</c>. Classes are the sub-folders sorted ordinally
/// (as Python's <c>sorted</c>), or the <c>classes</c> given, in that order; files with other extensions are skipped
/// and a class without images is an error.</item>
/// <item>Annotation file: lines <c>relative/path label</c> (paths relative to the root, labels integers, blank lines
/// skipped), with the class names given or "0" … "max label".</item>
/// </list>
/// <see cref="Get"/> may be called from several threads at once. It decodes the image, except a JPEG whose header
/// is readable: that sample holds the file's bytes until its image is first used, so a RandomResizedCrop decodes only
/// its box.
/// </summary>
public sealed class ImageFolder : IDataset
{
    private readonly (string Path, int Label)[] samples;

    /// <summary>Indexes <paramref name="root"/>.</summary>
    /// <param name="root">The dataset folder.</param>
    /// <param name="annotationFile">A file of <c>relative/path label</c> lines; null for the class-per-folder layout.</param>
    /// <param name="classes">Class names indexed by label. For the folder layout, the class folders to use, in label order.</param>
    /// <param name="extensions">The image extensions to index (with the dot, any case); default <see cref="ImageIO.Extensions"/>.</param>
    /// <param name="mode">Decode to RGB (H, W, 3) or grayscale (H, W, 1).</param>
    /// <exception cref="DirectoryNotFoundException">The root or a listed class folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The annotation file does not exist.</exception>
    /// <exception cref="InvalidDataException">A class folder holds no images, or an annotation line is malformed (the message names file and line).</exception>
    /// <exception cref="ArgumentException">An extension is not one OpenCV decodes.</exception>
    public ImageFolder(string root, string? annotationFile = null, IReadOnlyList<string>? classes = null,
        IReadOnlyList<string>? extensions = null, ImageReadMode mode = ImageReadMode.Rgb)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"ImageFolder: the dataset folder {root} does not exist.");
        }
        Root = root;
        Mode = mode;
        var indexed = CheckExtensions(extensions ?? ImageIO.Extensions);
        Extensions = indexed;
        if (annotationFile is null)
        {
            (samples, Classes) = IndexFolders(root, classes, indexed);
        }
        else
        {
            samples = ReadAnnotations(annotationFile, indexed, classes?.Count);
            Classes = DatasetClasses.Resolve(classes, samples.Select(s => (long)s.Label).ToArray(), annotationFile);
        }
    }

    /// <summary>The dataset folder.</summary>
    public string Root { get; }

    /// <summary>The indexed extensions, lower case with the dot.</summary>
    public IReadOnlyList<string> Extensions { get; }

    /// <summary>How images are decoded.</summary>
    public ImageReadMode Mode { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The samples in index order: image path relative to <see cref="Root"/> ('/'-separated) and label.</summary>
    public IReadOnlyList<(string Path, int Label)> Samples => samples;

    /// <inheritdoc/>
    public int Count => samples.Length;

    /// <inheritdoc/>
    /// <exception cref="FileNotFoundException">The image file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a decodable image; the message names it. (Damage past a JPEG's header shows when the image is decoded.)</exception>
    public DataSample Get(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var (path, label) = samples[index];
        var encoded = EncodedImage.Read(Path.Combine(Root, path), Mode);
        if (encoded.BoxDecodableSize is not null)
        {
            return new DataSample(encoded, label, index);
        }
        using (encoded)
        {
            return new DataSample(encoded.Decode(), label, index, encoded.Source);
        }
    }

    private static string[] CheckExtensions(IReadOnlyList<string> extensions)
    {
        var result = extensions.Select(e => e.ToLowerInvariant()).Distinct().ToArray();
        var unsupported = result.Where(e => !ImageIO.Extensions.Contains(e)).ToArray();
        if (result.Length == 0 || unsupported.Length > 0)
        {
            throw new ArgumentException(
                $"ImageFolder: cannot decode the extensions [{string.Join(", ", unsupported)}]; supported: {string.Join(", ", ImageIO.Extensions)}.",
                nameof(extensions));
        }
        return result;
    }

    private static bool HasExtension(string path, string[] extensions) =>
        extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    private static ((string, int)[] Samples, string[] Classes) IndexFolders(string root, IReadOnlyList<string>? classes, string[] extensions)
    {
        var names = classes?.ToArray() ??
            Directory.EnumerateDirectories(root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        if (names.Length == 0)
        {
            throw new InvalidDataException($"ImageFolder: {root} has no class folders (expected root/<class>/<image>).");
        }
        var samples = new List<(string, int)>();
        var empty = new List<string>();
        for (var label = 0; label < names.Length; label++)
        {
            var folder = Path.Combine(root, names[label]);
            if (!Directory.Exists(folder))
            {
                throw new DirectoryNotFoundException($"ImageFolder: class '{names[label]}' has no folder {folder}.");
            }
            var files = new List<string>();
            CollectFiles(folder, [Canonical(root)], files);
            files = [.. files.Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'))];
            var images = files.Where(f => HasExtension(f, extensions)).Order(StringComparer.Ordinal).ToArray();
            if (images.Length == 0)
            {
                var others = files.Select(f => Path.GetExtension(f).ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal);
                empty.Add(files.Count == 0 ? $"'{names[label]}' (empty)" : $"'{names[label]}' ({files.Count} files of types {string.Join(", ", others)})");
            }
            samples.AddRange(images.Select(f => (f, label)));
        }
        if (empty.Count > 0)
        {
            throw new InvalidDataException(
                $"ImageFolder {root}: no images in class folder(s) {string.Join(", ", empty)}; indexed extensions: {string.Join(", ", extensions)}.");
        }
        return (samples.ToArray(), names);
    }

    // Lists the files under folder, following links to folders (as torchvision's os.walk(followlinks=True)) but
    // refusing a link back to a folder on the way down: it would list the same files again and again, deeper each
    // time and under the wrong class.
    private static void CollectFiles(string folder, HashSet<string> ancestors, List<string> files)
    {
        var real = Canonical(folder);
        if (!ancestors.Add(real))
        {
            throw new InvalidDataException($"ImageFolder: {folder} is a symbolic link to {real}, a folder it is inside of: the folder tree loops.");
        }
        files.AddRange(Directory.EnumerateFiles(folder));
        foreach (var sub in Directory.EnumerateDirectories(folder))
        {
            CollectFiles(sub, ancestors, files);
        }
        ancestors.Remove(real);
    }

    // The folder's full path with a link in its last part resolved: a loop shows as a link target already on the way
    // down (at the latest one level later when the link sits below another link).
    private static string Canonical(string folder)
    {
        var info = new DirectoryInfo(folder);
        return Path.TrimEndingDirectorySeparator((info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) ?? info).FullName);
    }

    private static (string, int)[] ReadAnnotations(string annotationFile, string[] extensions, int? classCount)
    {
        if (!File.Exists(annotationFile))
        {
            throw new FileNotFoundException($"ImageFolder: annotation file {annotationFile} not found.", annotationFile);
        }
        var samples = new List<(string, int)>();
        var lineNumber = 0;
        foreach (var raw in File.ReadLines(annotationFile))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }
            // The label is the last field, so paths may contain spaces (MMPreTrain's rsplit(' ', 1)).
            var split = line.AsSpan().LastIndexOfAny(' ', '\t');
            if (split < 0)
            {
                throw new InvalidDataException($"{annotationFile}:{lineNumber}: expected '<relative path> <label>', got '{line}'.");
            }
            var path = line[..split].TrimEnd();
            var labelText = line[(split + 1)..];
            if (!int.TryParse(labelText, NumberStyles.None, CultureInfo.InvariantCulture, out var label))
            {
                throw new InvalidDataException($"{annotationFile}:{lineNumber}: label '{labelText}' is not a non-negative integer.");
            }
            if (label >= classCount)
            {
                throw new InvalidDataException($"{annotationFile}:{lineNumber}: label {label} is out of range for the {classCount} classes given.");
            }
            if (!HasExtension(path, extensions))
            {
                throw new InvalidDataException(
                    $"{annotationFile}:{lineNumber}: '{path}' does not have an image extension ({string.Join(", ", extensions)}).");
            }
            samples.Add((path, label));
        }
        if (samples.Count == 0)
        {
            throw new InvalidDataException($"ImageFolder: annotation file {annotationFile} lists no samples.");
        }
        return samples.ToArray();
    }
}
