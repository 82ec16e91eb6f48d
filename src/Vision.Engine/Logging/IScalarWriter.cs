namespace Vision.Engine.Logging;

/// <summary>
/// A destination for logged scalars (MMEngine's visualization backends): JSON lines, CSV, TensorBoard, or your own
/// (register it with <c>services.AddScalarWriter&lt;T&gt;()</c>). The <see cref="Hooks.LoggerHook"/> opens every writer
/// once and sends it every record, on the main process only. Dispose flushes and closes.
/// </summary>
public interface IScalarWriter : IDisposable
{
    /// <summary>Prepares the output in <paramref name="logDirectory"/> (created beforehand); called once before the first record.</summary>
    void Open(string logDirectory);

    /// <summary>Writes one record and makes it visible to readers (flushes).</summary>
    void Write(ScalarRecord record);

    /// <summary>
    /// Called before <see cref="Open"/> when a run resumes after <paramref name="iter"/> iterations: drops what an
    /// earlier attempt logged for iterations the resumed run will do again (see <see cref="ResumedLog.Keeps"/>), so
    /// nothing is logged twice. Writers whose output cannot be rewritten keep everything.
    /// </summary>
    void DiscardAfter(string logDirectory, long iter, bool validationPending)
    {
    }
}
