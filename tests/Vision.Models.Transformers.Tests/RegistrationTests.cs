using Vision.Models.Analysis;
using Vision.Models.Backbones;
using Vision.Models.Heads;
using Vision.Models.Registry;
using Vision.Models.Weights;

namespace Vision.Models.Transformers.Tests;

/// <summary>The ViT and CAS-ViT registry entries and their pretrained-weight paths (timm names, official CAS-ViT names).</summary>
public class RegistrationTests
{
    [Fact]
    public void RegistryListsTransformersWithAliases()
    {
        Assert.Equal(["vit-base-p16", "vit-base-p32", "vit-large-p16", "vit-small-p16", "vit-tiny-p16"], ModelRegistry.ListModels("vit-*"));
        Assert.Equal(["cas-vit-m", "cas-vit-s", "cas-vit-t", "cas-vit-xs"], ModelRegistry.ListModels("cas-vit-*"));
        Assert.Equal("cas-vit-xs", ModelRegistry.Get("rcvit_xs").Name);
        Assert.Equal("vit-base-p32", ModelRegistry.Get("vit_base_patch32_224").Name);
    }

    [Fact]
    public void CreatesClassifiersOfTheRequestedSize()
    {
        using var scope = torch.NewDisposeScope();
        using var vit = ModelRegistry.Create("vit-tiny-p16", num_classes: 7, img_size: 32);
        Assert.IsType<VisionTransformerClsHead>(vit.head);
        Assert.Equal(new long[] { 2, 7 }, Eval(vit).forward(torch.randn(2, 3, 32, 32)).shape);

        using var cas = ModelRegistry.Create("cas-vit-xs", num_classes: 3, img_size: 32, new Dictionary<string, string> { ["distillation"] = "true" });
        Assert.IsType<CasViTHead>(cas.head);
        Assert.Equal(new long[] { 2, 3 }, Eval(cas).forward(torch.randn(2, 3, 32, 32)).shape);
        // The official key set: dist_head is present when distillation is on.
        Assert.Contains(cas.state_dict().Keys, k => k == "head.dist_head.weight");
    }

    [Fact]
    public void TimmCheckpointAtAnotherSizeLoadsWithResizedPositionEmbedding()
    {
        using var scope = torch.NewDisposeScope();
        using var at32 = ModelRegistry.Create("vit-tiny-p16", num_classes: 5, img_size: 32);
        using var at64 = ModelRegistry.Create("vit-tiny-p16", num_classes: 5, img_size: 64);
        // A timm-named checkpoint: the backbone's keys at the root, the classifier under "head.".
        var checkpoint = new Dictionary<string, Tensor>();
        foreach (var (key, value) in at32.state_dict())
        {
            checkpoint[key.StartsWith("backbone.") ? key["backbone.".Length..] : key.Replace("head.layers.head.", "head.")] = value;
        }
        var logs = new List<string>();
        var result = PretrainedWeights.Load(at64, checkpoint, new WeightLoadOptions { KeyMap = ModelRegistry.Get("vit-tiny-p16").PretrainedKeyMap, Log = logs.Add });

        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        Assert.Equal(["backbone.pos_embed"], result.AdaptedKeys);
        var expected = VisionTransformer.ResizePosEmbed(((VisionTransformer)at32.backbone).pos_embed, 4);
        Assert.True(expected.equal(((VisionTransformer)at64.backbone).pos_embed));
        Assert.True(at32.head.state_dict()["layers.head.weight"].equal(at64.head.state_dict()["layers.head.weight"]));
    }

    [Fact]
    public void SummaryCountsAttentionMatmuls()
    {
        using var model = ModelRegistry.Create("vit-tiny-p16", num_classes: 1000, img_size: 224);
        var summary = ModelSummary.Create(model, 224);
        // Patch embedding 196·192·768; per block with L = 197, D = 192: qkv L·D·3D, the two attention matmuls 2·L·L·D,
        // proj L·D·D, MLP 2·L·D·4D; the head sees the class token only: 192·1000. timm lists 1.26 GMACs.
        const long L = 197, D = 192;
        const long perBlock = L * D * 3 * D + 2 * L * L * D + L * D * D + 2 * L * D * 4 * D;
        Assert.Equal(196 * D * 768 + 12 * perBlock + D * 1000, summary.TotalMacs);
        Assert.Equal(0, summary.UnattributedMacs);
    }

    private static ImageClassifier Eval(ImageClassifier model)
    {
        model.eval();
        return model;
    }
}
