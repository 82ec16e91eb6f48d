namespace Vision.Data.Datasets;

/// <summary>How <see cref="DatasetSplitter"/> materialises the splits.</summary>
public enum SplitOutput
{
    /// <summary>Copies the images to <c>output/&lt;split&gt;/&lt;class&gt;/…</c>.</summary>
    Copy = 0,

    /// <summary>Symbolic links at <c>output/&lt;split&gt;/&lt;class&gt;/…</c> pointing to the source images.</summary>
    Symlink = 1,

    /// <summary>
    /// Annotation files <c>output/&lt;split&gt;.txt</c> of <c>relative/path label</c> lines (paths relative to the
    /// source folder) and <c>output/classes.txt</c>, for <see cref="ImageFolder"/>'s annotation layout.
    /// </summary>
    ListFile = 2,
}
