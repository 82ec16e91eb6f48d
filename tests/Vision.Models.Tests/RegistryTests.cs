using Microsoft.Extensions.DependencyInjection;
using Vision.Models.Backbones;
using Vision.Models.Heads;
using Vision.Models.Necks;
using Vision.Models.Registry;

namespace Vision.Models.Tests;

public class RegistryTests
{
    private static ImageClassifier Tiny(ModelOptions o) =>
        new(new ResNet(18, frozen_stages: (int)o.GetInt("frozen_stages", -1)), new GlobalAveragePooling(), new LinearClsHead(o.NumClasses, 512));

    [Fact]
    public void ListsModelsByWildcardSorted()
    {
        Assert.Equal(new[] { "resnet101", "resnet152", "resnet18", "resnet34", "resnet50" }, ModelRegistry.ListModels("resnet*"));
        Assert.Equal(new[] { "resnet18" }, ModelRegistry.ListModels("resnet1?"));
        Assert.Equal(new[] { "resnet101", "resnet152" }, ModelRegistry.ListModels("RESNET1??"));
        Assert.Equal(new[] { "resnet152", "resnet50" }, ModelRegistry.ListModels("*5?"));
        Assert.Empty(ModelRegistry.ListModels("resnet"));
        Assert.Superset(new HashSet<string>(ModelRegistry.ListModels("resnet*")), new HashSet<string>(ModelRegistry.ListModels()));
    }

    [Fact]
    public void UnknownNamesListCloseMatchesAndKnownModels()
    {
        var error = Assert.Throws<ArgumentException>(() => ModelRegistry.Create("resnet5"));
        Assert.Contains("Unknown model 'resnet5'", error.Message);
        Assert.Contains("Did you mean: resnet50", error.Message);
        Assert.Contains("Known models:", error.Message);
        Assert.Contains("resnet152", error.Message);
        Assert.DoesNotContain("Did you mean", Assert.Throws<ArgumentException>(() => ModelRegistry.Get("efficientnet_b7_wide")).Message);
    }

    [Fact]
    public void CustomModelsRegisterWithAliasesOnce()
    {
        ModelRegistry.Register("test-tiny-resnet", Tiny, "ResNet-18 test registration", "test_tiny_alias");
        Assert.Equal("test-tiny-resnet", ModelRegistry.Get("TEST_TINY_ALIAS").Name);
        Assert.Equal(new[] { "test-tiny-resnet" }, ModelRegistry.ListModels("test_tiny_a*"));
        using (var model = ModelRegistry.Create("test_tiny_alias", num_classes: 2))
        {
            Assert.Equal(2, model.num_classes);
        }
        var clash = Assert.Throws<ArgumentException>(() => ModelRegistry.Register("test-other", Tiny, "clash", "test-tiny-resnet"));
        Assert.Contains("'test-tiny-resnet' (by test-tiny-resnet)", clash.Message);
        Assert.False(ModelRegistry.Contains("test-other"));
        Assert.Throws<ArgumentException>(() => ModelRegistry.Register("bad name*", Tiny, "wildcard"));
    }

    [Fact]
    public void OverridesReachTheArchitectureAndUnknownOnesAreRejected()
    {
        using (var model = ModelRegistry.Create("resnet18", 10, 64, new Dictionary<string, string> { ["out_indices"] = "2, 3", ["frozen_stages"] = "1" }))
        {
            Assert.Equal(new[] { 2, 3 }, model.backbone.out_indices);
            Assert.Equal(1, model.backbone.frozen_stages);
        }
        var unknown = Assert.Throws<ArgumentException>(() => ModelRegistry.Create("resnet18", overrides: new Dictionary<string, string> { ["zero_init_residul"] = "true" }));
        Assert.Contains("'zero_init_residul'", unknown.Message);
        Assert.Contains("zero_init_residual", unknown.Message);
        var malformed = Assert.Throws<ArgumentException>(() => ModelRegistry.Create("resnet18", overrides: new Dictionary<string, string> { ["frozen_stages"] = "two" }));
        Assert.Contains("'frozen_stages' must be an integer, got 'two'", malformed.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelRegistry.Create("resnet18", num_classes: 0));
    }

    [Fact]
    public void ServiceProviderResolvesModelFactoriesByName()
    {
        using var provider = new ServiceCollection().AddVisionModels().BuildServiceProvider();
        var factory = provider.GetRequiredKeyedService<Func<ModelOptions, ImageClassifier>>("resnet34");
        using var model = factory(new ModelOptions { NumClasses = 3 });
        Assert.Equal(3, model.num_classes);
        Assert.Equal(21_797_672L - 512 * 997 - 997, Helpers.CountParameters(model));
        Assert.Null(provider.GetKeyedService<Func<ModelOptions, ImageClassifier>>("resnet35"));
    }

    [Fact]
    public void FamiliesRegisterThemselvesAndUserFamiliesRegisterOnce()
    {
        // The built-in families were found without a hand-kept list: one name from each architecture folder.
        Assert.Contains("resnet18", ModelRegistry.ListModels());
        Assert.Contains("vit-tiny-p16", ModelRegistry.ListModels());
        Assert.Contains("cas-vit-xs", ModelRegistry.ListModels());
        ModelRegistry.RegisterFamily<TestFamily>();
        using var model = ModelRegistry.Create("registry-test-family", new ModelOptions { NumClasses = 4 });
        Assert.Equal(4, model.num_classes);
        Assert.Throws<ArgumentException>(ModelRegistry.RegisterFamily<TestFamily>);
    }

    private sealed class TestFamily : IModelFamily
    {
        static void IModelFamily.RegisterModels() => ModelRegistry.Register("registry-test-family", Tiny, "a family registered by a test");
    }
}
