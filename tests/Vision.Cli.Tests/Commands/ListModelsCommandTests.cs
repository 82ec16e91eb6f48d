namespace Vision.Cli.Tests.Commands;

public sealed class ListModelsCommandTests
{
    [Fact]
    public void APatternListsExactlyTheMatchingModels()
    {
        var run = CliRun.Of("list-models", "resnet*").Succeeded();
        var names = run.Rows().Skip(1).Select(r => r[0]).ToList();
        Assert.Equal(["resnet101", "resnet152", "resnet18", "resnet34", "resnet50"], names);
        Assert.DoesNotContain("vit", run.Out);
        Assert.Contains("ResNet-50 (torchvision v1.5, bottleneck blocks 3-4-6-3)", run.Out);
    }

    [Fact]
    public void AnAliasMatchesAndIsShownNextToTheName()
    {
        var run = CliRun.Of("list-models", "RCVIT_XS").Succeeded();
        var rows = run.Rows();
        Assert.Equal(["model", "aliases", "description"], rows[0]);
        Assert.Equal("cas-vit-xs", Assert.Single(rows.Skip(1))[0]);
        Assert.Equal("rcvit_xs", rows[1][1]);
    }

    [Fact]
    public void ParamsPrintsTorchvisionsParameterCountAndTheMacs()
    {
        var run = CliRun.Of("list-models", "resnet18", "--params").Succeeded();
        var rows = run.Rows();
        Assert.Equal(["model", "aliases", "params", "MACs", "description"], rows[0]);
        // resnet18 has no alias: its empty aliases cell disappears in the run of spaces.
        Assert.Equal(["resnet18", "11,689,512", "1.81 G", "ResNet-18 (torchvision v1.5, basic blocks 2-2-2-2)"], rows[1]);
        Assert.Contains("one 224×224 image with 1000 classes", run.Out);
    }

    [Fact]
    public void AHeadOfOtherClassesChangesTheCount()
    {
        // 11,689,512 - 1000·513 + 10·513: only the fc layer depends on the class count.
        var run = CliRun.Of("list-models", "resnet18", "--params", "--num-classes", "10", "--img-size", "32").Succeeded();
        Assert.Equal("11,181,642", run.Rows()[1][1]);
    }

    [Fact]
    public void APatternMatchingNothingIsAnErrorNamingIt()
    {
        var run = CliRun.Of("list-models", "resnet9*").Failed();
        Assert.Contains("'resnet9*'", run.Err);
    }

    // Builds ViT-B, -L and -H (3.9 GB of weights between them, one at a time).
    [Fact]
    [Trait("Category", "Slow")]
    public void SegmentAnythingVariantsShowThePublishedParameterCounts()
    {
        var rows = CliRun.Of("list-models", "sam*", "--params").Succeeded().Rows().Where(r => r[0].StartsWith("sam_", StringComparison.Ordinal)).ToList();
        Assert.Equal(["sam_vit_b", "sam_vit_h", "sam_vit_l"], rows.Select(r => r[0]));
        Assert.Equal(["93,735,472", "641,090,608", "312,342,832"], rows.Select(r => r.First(c => char.IsDigit(c[0]))));
    }
}
