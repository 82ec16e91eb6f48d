using Vision.Engine.Logging;

namespace Vision.Engine.Tests.Logging;

/// <summary>What a resumed run keeps of the scalar logs its interrupted attempt wrote.</summary>
public sealed class ResumedLogTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("vision-resumed-log-");

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public void RowsTheResumedRunRedoesAndALineCutByTheKillAreDropped()
    {
        var csv = Path.Combine(folder.FullName, CsvScalarWriter.FileName);
        // Resumed after 4 iterations from a checkpoint written before its validation ended: that validation is redone.
        File.WriteAllText(csv, string.Join("\n", CsvScalarWriter.Header, "train,1,2,loss,0.9", "val,1,2,loss,0.8", "train,1,4,loss,0.7",
            "val,2,4,loss,0.6", "train,2,6,loss,0.5", "val,2,6,lo"));

        new CsvScalarWriter().DiscardAfter(folder.FullName, iter: 4, validationPending: true);

        Assert.Equal([CsvScalarWriter.Header, "train,1,2,loss,0.9", "val,1,2,loss,0.8", "train,1,4,loss,0.7"], File.ReadAllLines(csv));

        var jsonl = Path.Combine(folder.FullName, JsonLinesScalarWriter.FileName);
        File.WriteAllText(jsonl, """{"mode":"train","epoch":1,"iter":2,"loss":0.9}""" + "\n" + """{"mode":"val","epoch":1,"iter":2,"loss":0.8}""" + "\n"
            + """{"mode":"train","epoch":1,"iter":3,"loss":0.7}""" + "\n" + """{"mode":"tra""");
        new JsonLinesScalarWriter().DiscardAfter(folder.FullName, iter: 2, validationPending: false);
        Assert.Equal(["""{"mode":"train","epoch":1,"iter":2,"loss":0.9}""", """{"mode":"val","epoch":1,"iter":2,"loss":0.8}"""], File.ReadAllLines(jsonl));
    }

    [Theory]
    [InlineData("train", 5, 5, false, true)]
    [InlineData("train", 6, 5, false, false)]
    [InlineData("val", 5, 5, false, true)]
    [InlineData("val", 5, 5, true, false)]
    [InlineData("test", 5, 5, false, false)]
    [InlineData("val", 4, 5, true, true)]
    public void KeepsRowsBeforeTheResumePointAndItsFinishedValidation(string mode, long iter, long resumedIter, bool pending, bool kept) =>
        Assert.Equal(kept, ResumedLog.Keeps(mode, iter, resumedIter, pending));
}
