using Vision.Engine.Evolve;

namespace Vision.Engine.Tests.Evolve;

public sealed class FitnessTests
{
    private static readonly Dictionary<string, double> Metrics = new() { ["accuracy/top1"] = 0.8, ["accuracy/top5"] = 0.95, ["loss"] = 0.6 };

    [Fact]
    public void FitnessIsTheWeightedSumOfTheNamedMetrics()
    {
        Assert.Equal(0.9 * 0.8 + 0.1 * 0.95, FitnessFunction.Parse("accuracy/top1=0.9, accuracy/top5=0.1").Evaluate(Metrics), 12);
        Assert.Equal(0.8 - 0.5 * 0.6, FitnessFunction.Parse("accuracy/top1,loss=-0.5").Evaluate(Metrics), 12);
        Assert.Equal(0.8, FitnessFunction.Default.Evaluate(Metrics));
    }

    [Theory]
    [InlineData("accuracy/top1=x", "the weight in 'accuracy/top1=x' is not a number")]
    [InlineData("loss,loss=2", "'loss' appears twice")]
    [InlineData("", "at least one metric")]
    [InlineData("loss=NaN", "the weight finite")]
    public void MalformedFitnessIsAFormatErrorQuotingIt(string text, string message) =>
        Assert.Contains(message, Assert.Throws<FormatException>(() => FitnessFunction.Parse(text)).Message, StringComparison.Ordinal);

    [Fact]
    public void AMissingMetricIsNamedWithTheReportedOnes()
    {
        var e = Assert.Throws<KeyNotFoundException>(() => FitnessFunction.Parse("f1").Evaluate(Metrics));
        Assert.Contains("'f1'", e.Message, StringComparison.Ordinal);
        Assert.Contains("accuracy/top1, accuracy/top5, loss", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheMedianRuleStopsACandidateWhoseBestIsBelowTheMedianOfEarlierCurvesAtTheSameValidation()
    {
        var rule = new MedianStoppingRule(MinTrials: 3, GraceValidations: 1);
        IReadOnlyList<double>[] earlier = [[0.2, 0.5], [0.3, 0.6], [0.4, 0.7], [0.1]];
        Assert.False(rule.ShouldStop([0.0], earlier));              // within the grace validation
        Assert.True(rule.ShouldStop([0.3, 0.55], earlier));         // best 0.55 < median(0.5, 0.6, 0.7) = 0.6
        Assert.False(rule.ShouldStop([0.61, 0.2], earlier));        // best so far 0.61 ≥ 0.6
        Assert.False(rule.ShouldStop([0.1, 0.1, 0.1], earlier));    // no earlier curve reached a third validation
        Assert.True(new MedianStoppingRule(4, 0).ShouldStop([0.2], earlier));   // median(0.1, 0.2, 0.3, 0.4) = 0.25
        Assert.False(new MedianStoppingRule(4, 0).ShouldStop([0.25], earlier));
    }
}
