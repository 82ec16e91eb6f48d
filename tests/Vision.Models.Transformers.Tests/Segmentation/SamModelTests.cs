using Vision.Models.Registry;
using Vision.Models.Segmentation.Sam;
using Vision.Tests.Reference;

namespace Vision.Models.Transformers.Tests.Segmentation;

/// <summary>SAM's registry entries, parameter counts (the published ones), official keys and input checks.</summary>
public class SamModelTests
{
    [Fact]
    public void VitBHasThePublishedParameterCountsPerPart()
    {
        using var model = (Sam)ModelRegistry.CreateModule("sam_vit_b");
        Assert.Equal(93_735_472, Checks.CountParameters(model));
        Assert.Equal(89_670_912, Checks.CountParameters(model.image_encoder));
        Assert.Equal(6_220, Checks.CountParameters(model.prompt_encoder));
        Assert.Equal(4_058_340, Checks.CountParameters(model.mask_decoder));
    }

    // ViT-L and ViT-H take 1.2 and 2.6 GB and several seconds to initialise: counted in the Slow run.
    [Theory]
    [Trait("Category", "Slow")]
    [InlineData("sam_vit_l", 312_342_832L)]
    [InlineData("sam_vit_h", 641_090_608L)]
    [InlineData("sam", 641_090_608L)]
    public void LargerVariantsHaveThePublishedParameterCounts(string name, long expected)
    {
        using var model = ModelRegistry.CreateModule(name);
        Assert.Equal(expected, Checks.CountParameters(model));
    }

    [Fact]
    public void StateDictHasTheOfficialKeysAndNoPixelStatistics()
    {
        using var model = new Sam(SamReference.Tiny);
        var keys = model.state_dict().Keys.ToHashSet();
        string[] official =
        [
            "image_encoder.patch_embed.proj.weight", "image_encoder.pos_embed", "image_encoder.blocks.0.attn.rel_pos_h",
            "image_encoder.blocks.1.attn.qkv.bias", "image_encoder.blocks.3.mlp.lin2.weight", "image_encoder.neck.0.weight", "image_encoder.neck.3.bias",
            "prompt_encoder.pe_layer.positional_encoding_gaussian_matrix", "prompt_encoder.point_embeddings.3.weight", "prompt_encoder.not_a_point_embed.weight",
            "prompt_encoder.mask_downscaling.6.bias", "prompt_encoder.no_mask_embed.weight",
            "mask_decoder.transformer.layers.1.cross_attn_image_to_token.out_proj.weight", "mask_decoder.transformer.layers.0.mlp.lin1.bias",
            "mask_decoder.transformer.norm_final_attn.weight", "mask_decoder.iou_token.weight", "mask_decoder.mask_tokens.weight",
            "mask_decoder.output_upscaling.3.weight", "mask_decoder.output_hypernetworks_mlps.3.layers.2.bias", "mask_decoder.iou_prediction_head.layers.0.weight",
        ];
        Assert.All(official, k => Assert.Contains(k, keys));
        Assert.DoesNotContain("pixel_mean", keys);
        // Windowed blocks size their tables for the window (2·3 − 1 rows), global ones for the 8×8 grid (15 rows).
        Assert.Equal(new long[] { 5, 16 }, model.state_dict()["image_encoder.blocks.0.attn.rel_pos_w"].shape);
        Assert.Equal(new long[] { 15, 16 }, model.state_dict()["image_encoder.blocks.1.attn.rel_pos_h"].shape);
    }

    [Fact]
    public void RegistryNamesResolveAndClassifierCreationExplainsItself()
    {
        Assert.Equal(["sam_vit_b", "sam_vit_h", "sam_vit_l"], ModelRegistry.ListModels("sam*"));
        Assert.Equal("sam_vit_h", ModelRegistry.Get("sam").Name);
        var e = Assert.Throws<ArgumentException>(() => ModelRegistry.Create("sam_vit_b"));
        Assert.Contains("not an image classifier", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongInputsNameTheShapes()
    {
        using var model = new Sam(SamReference.Tiny);
        using var scope = torch.NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => model.image_encoder.forward(torch.zeros(1, 3, 64, 64)));
        Assert.Contains("(N, 3, 128, 128)", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => model.prompt_encoder.forward((torch.zeros(2, 1, 2), torch.ones(2, 1)), torch.zeros(3, 4), null));
        Assert.Contains("points 2, boxes 3", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Sam(SamReference.Tiny with { GlobalAttentionIndexes = [4] }));
    }
}
