namespace Vision.Engine.Logging;

/// <summary>Which logged rows survive a resume, and the rewriting of a log file that keeps only those.</summary>
public static class ResumedLog
{
    /// <summary>
    /// Whether a row of <paramref name="mode"/> logged at <paramref name="iter"/> (iterations done) stays when a run
    /// resumes after <paramref name="resumedIter"/> iterations: later rows are redone, and so is the validation at
    /// the resume point when the checkpoint says it had not ended.
    /// </summary>
    public static bool Keeps(string mode, long iter, long resumedIter, bool validationPending) =>
        iter < resumedIter || iter == resumedIter && (mode == "train" || mode == "val" && !validationPending);

    /// <summary>Rewrites <paramref name="path"/> (if it exists) with the lines <paramref name="keep"/> accepts, atomically.</summary>
    public static void Rewrite(string path, Func<string, bool> keep)
    {
        if (!File.Exists(path))
        {
            return;
        }
        var lines = File.ReadAllLines(path);
        var kept = lines.Where(keep).ToList();
        if (kept.Count == lines.Length)
        {
            return;
        }
        var temporary = path + ".tmp";
        File.WriteAllLines(temporary, kept);
        File.Move(temporary, path, overwrite: true);
    }
}
