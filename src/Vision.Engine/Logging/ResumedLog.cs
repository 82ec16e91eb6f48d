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
        var text = File.ReadAllText(path);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            // The last line was cut short by the kill that interrupted the run.
            lines.RemoveAt(lines.Count - 1);
        }
        var kept = lines.Where(keep).ToList();
        if (kept.Count == lines.Count && text.EndsWith('\n'))
        {
            return;
        }
        var temporary = path + ".tmp";
        File.WriteAllLines(temporary, kept);
        File.Move(temporary, path, overwrite: true);
    }
}
