using System.Globalization;
using System.Text.RegularExpressions;
using Vision.Models;
using Vision.Models.Backbones;
using Vision.nn;

namespace Vision.Engine.Visualization.Cam;

/// <summary>
/// A Vision Transformer cut after block i ("backbone.blocks.i") or after block i's first norm
/// ("backbone.blocks.i.norm1", pytorch-grad-cam's choice for ViTs: the last block's norm1 still reaches the class token
/// through attention, while after the last block only the class token matters). Token maps skip the class token and
/// fold the patch tokens back onto the patch grid.
/// </summary>
internal sealed partial class TokenSplit : ClassifierSplit
{
    private readonly VisionTransformer vit;
    private readonly int block;
    private readonly bool atNorm1;
    private Tensor? blockInput;
    private Pair grid;

    public TokenSplit(ImageClassifier model, VisionTransformer vit, string layer) : base(model, layer)
    {
        this.vit = vit;
        var match = BlockLayer().Match(layer);
        if (!match.Success || int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) >= vit.blocks.Count)
        {
            throw new ArgumentException(
                $"'{layer}' is not a layer a class activation map can use in a VisionTransformer; use backbone.blocks.i or backbone.blocks.i.norm1 " +
                $"with i in 0…{vit.blocks.Count - 1} (default backbone.blocks.{vit.blocks.Count - 1}.norm1).");
        }
        block = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        atNorm1 = match.Groups[2].Success;
    }

    public override Tensor Head(Tensor images)
    {
        grid = vit.patch_embed.GridFor(images.size(2), images.size(3));
        var position = grid == new Pair(vit.grid, vit.grid) ? vit.pos_embed : VisionTransformer.ResizePosEmbed(vit.pos_embed, grid);
        var tokens = torch.cat([vit.cls_token.expand(images.size(0), 1, vit.embed_dim), vit.patch_embed.forward(images)], 1);
        var x = vit.pos_drop.forward(tokens.add(position));
        for (var i = 0; i < block; i++)
        {
            x = vit.blocks[i].forward(x);
        }
        if (!atNorm1)
        {
            return vit.blocks[block].forward(x);
        }
        // The residual around the attention carries the block's input past norm1; the tail needs it.
        blockInput = x.detach();
        return vit.blocks[block].norm1.forward(x);
    }

    public override Tensor Tail(Tensor activation)
    {
        var x = activation;
        var next = block + 1;
        if (atNorm1)
        {
            var b = vit.blocks[block];
            var input = blockInput ?? throw new InvalidOperationException("Head must run before Tail.");
            x = input.add(b.drop_path.forward(b.attn.forward(activation)));
            x = x.add(b.drop_path.forward(b.mlp.forward(b.norm2.forward(x))));
        }
        for (var i = next; i < vit.blocks.Count; i++)
        {
            x = vit.blocks[i].forward(x);
        }
        if (vit.norm is not null)
        {
            x = vit.norm.forward(x);
        }
        return Classify(x.select(1, 0));
    }

    public override Tensor ToMaps(Tensor activation)
    {
        var (n, tokens, dim) = (activation.size(0), activation.size(1), activation.size(2));
        if (tokens != 1 + grid.H * grid.W)
        {
            throw new ArgumentException($"'{Layer}' has {tokens} tokens; a {grid.H}×{grid.W} patch grid with a class token needs {1 + grid.H * grid.W}.");
        }
        return activation.slice(1, 1, tokens).reshape(n, grid.H, grid.W, dim).permute(0, 3, 1, 2);
    }

    [GeneratedRegex(@"^backbone\.blocks\.(\d+)(\.norm1)?$")]
    private static partial Regex BlockLayer();
}
