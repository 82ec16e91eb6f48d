using System.Globalization;

namespace Vision.Data.Datasets;

/// <summary>
/// Splits a class-per-folder image tree into train/val(/test) subsets, stratified per class: each class's
/// images (in <see cref="ImageFolder"/>'s order) are shuffled with one seeded generator, class by class in label
/// order, and cut at round(n · train) and round(n · (train + val)), halves rounded up. The same tree, ratios and
/// seed always give the same split. The splits are written as copies, symbolic links or annotation files.
/// </summary>
public static class DatasetSplitter
{
    private static readonly string[] SplitNames = ["train", "val", "test"];

    /// <summary>Splits <paramref name="sourceRoot"/> and writes the result under <paramref name="outputRoot"/>.</summary>
    /// <param name="sourceRoot">The class-per-folder tree (<c>root/&lt;class&gt;/**/&lt;image&gt;</c>).</param>
    /// <param name="outputRoot">Where the splits go (created if missing); a split that already exists there is an error.</param>
    /// <param name="train">Fraction for training, positive.</param>
    /// <param name="val">Fraction for validation.</param>
    /// <param name="test">Fraction for testing; 0 writes no test split.</param>
    /// <param name="seed">Seed of the shuffle.</param>
    /// <param name="output">Copies, symbolic links or annotation files.</param>
    /// <param name="extensions">The image extensions to include; default all decodable ones.</param>
    /// <exception cref="ArgumentException">A ratio is negative, train is 0, or the ratios do not sum to 1.</exception>
    /// <exception cref="IOException">A split already exists under <paramref name="outputRoot"/>.</exception>
    public static DatasetSplit Split(string sourceRoot, string outputRoot, double train, double val, double test = 0, int seed = 0,
        SplitOutput output = SplitOutput.Copy, IReadOnlyList<string>? extensions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputRoot);
        CheckRatios(train, val, test);
        var source = new ImageFolder(sourceRoot, extensions: extensions);
        var splits = AssignIndices(source, train, val, test, seed)
            .Select(indices => indices.Select(i => source.Samples[i]).ToList()).ToArray();
        var written = test > 0 ? 3 : 2;
        Directory.CreateDirectory(outputRoot);
        for (var s = 0; s < written; s++)
        {
            var target = Path.Combine(outputRoot, SplitNames[s] + (output == SplitOutput.ListFile ? ".txt" : ""));
            if (Path.Exists(target))
            {
                throw new IOException($"DatasetSplitter: {target} already exists; remove it or choose another output folder.");
            }
        }
        for (var s = 0; s < written; s++)
        {
            Write(source, splits[s], Path.Combine(outputRoot, SplitNames[s]), output);
        }
        if (output == SplitOutput.ListFile)
        {
            File.WriteAllLines(Path.Combine(outputRoot, "classes.txt"), source.Classes);
        }
        return new DatasetSplit(source.Classes, splits[0], splits[1], splits[2]);
    }

    /// <summary>Throws when the ratios are negative, train is 0, or they do not sum to 1.</summary>
    internal static void CheckRatios(double train, double val, double test)
    {
        double[] ratios = [train, val, test];
        if (ratios.Any(r => !(r >= 0)) || !(train > 0) || Math.Abs(ratios.Sum() - 1) > 1e-9)
        {
            throw new ArgumentException(
                $"The split ratios must be non-negative with train > 0 and sum to 1, got train {F(train)}, val {F(val)}, test {F(test)}.", nameof(train));
        }
    }

    /// <summary>The stratified split of <paramref name="source"/> (see the class summary), as sample indices per split (train, val, test).</summary>
    internal static List<int>[] AssignIndices(ImageFolder source, double train, double val, double test, int seed)
    {
        var rng = new Random(seed);
        List<int>[] splits = [[], [], []];
        foreach (var group in Enumerable.Range(0, source.Count).GroupBy(i => source.Samples[i].Label).OrderBy(g => g.Key))
        {
            var items = group.ToArray();
            for (var i = items.Length - 1; i > 0; i--)
            {
                var j = rng.Next(i + 1);
                (items[i], items[j]) = (items[j], items[i]);
            }
            var trainEnd = (int)Math.Round(items.Length * train, MidpointRounding.AwayFromZero);
            var valEnd = test == 0 ? items.Length : Math.Min(items.Length, (int)Math.Round(items.Length * (train + val), MidpointRounding.AwayFromZero));
            splits[0].AddRange(items[..trainEnd]);
            splits[1].AddRange(items[trainEnd..valEnd]);
            splits[2].AddRange(items[valEnd..]);
        }
        return splits;
    }

    private static void Write(ImageFolder source, List<(string Path, int Label)> samples, string target, SplitOutput output)
    {
        if (output == SplitOutput.ListFile)
        {
            File.WriteAllLines(target + ".txt", samples.Select(s => $"{s.Path} {s.Label.ToString(CultureInfo.InvariantCulture)}"));
            return;
        }
        foreach (var (path, _) in samples)
        {
            var from = Path.GetFullPath(Path.Combine(source.Root, path));
            var to = Path.Combine(target, path);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            if (output == SplitOutput.Symlink)
            {
                File.CreateSymbolicLink(to, from);
            }
            else
            {
                File.Copy(from, to);
            }
        }
    }

    private static string F(double x) => x.ToString("G", CultureInfo.InvariantCulture);
}
