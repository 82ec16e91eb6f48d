using System.Globalization;

namespace Vision.Data.Datasets;

/// <summary>Class-name lists shared by the datasets.</summary>
internal static class DatasetClasses
{
    /// <summary>
    /// The given names after checking that every label has one, or "0" … "max label" when none are given.
    /// <paramref name="source"/> names where the labels came from, for the error message.
    /// </summary>
    internal static IReadOnlyList<string> Resolve(IReadOnlyList<string>? classes, IReadOnlyList<long> labels, string source)
    {
        var max = -1L;
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i] < 0)
            {
                throw new ArgumentException($"{source}: label {labels[i]} of sample {i} is negative.");
            }
            max = Math.Max(max, labels[i]);
        }
        if (classes is null)
        {
            return Enumerable.Range(0, (int)(max + 1)).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        }
        if (max >= classes.Count)
        {
            throw new ArgumentException($"{source}: label {max} has no class name; {classes.Count} classes were given.");
        }
        return [.. classes];
    }
}
