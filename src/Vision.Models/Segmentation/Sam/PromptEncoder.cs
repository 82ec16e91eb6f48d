using Vision.nn;

namespace Vision.Models.Segmentation.Sam;

/// <summary>
/// SAM's prompt encoder: points and box corners become sparse tokens (a random-Fourier position encoding plus a
/// learned embedding per kind: negative point, positive point, box top-left, box bottom-right, "not a point" for
/// padding), a low-res mask prompt becomes a dense map through two stride-2 convs, and a learned "no mask"
/// embedding stands in when no mask is given. Keys are the official <c>prompt_encoder.*</c> ones without the prefix.
/// </summary>
public sealed class PromptEncoder : Module
{
    /// <summary>The prompt encoder of <paramref name="config"/>.</summary>
    public PromptEncoder(SamConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        embed_dim = config.PromptEmbedDim;
        input_image_size = new Pair(config.ImageSize, config.ImageSize);
        image_embedding_size = new Pair(config.EmbeddingSize, config.EmbeddingSize);
        pe_layer = register_module("pe_layer", new PositionEmbeddingRandom(embed_dim / 2));
        point_embeddings = register_module("point_embeddings", new ModuleList<Embedding>(Enumerable.Range(0, 4).Select(_ => new Embedding(1, embed_dim))));
        not_a_point_embed = register_module("not_a_point_embed", new Embedding(1, embed_dim));
        var maskChans = config.MaskInChans;
        mask_downscaling = register_module("mask_downscaling", new Sequential(
            new Conv2d(1, maskChans / 4, 2, stride: 2),
            new LayerNorm2d(maskChans / 4),
            new GELU(),
            new Conv2d(maskChans / 4, maskChans, 2, stride: 2),
            new LayerNorm2d(maskChans),
            new GELU(),
            new Conv2d(maskChans, embed_dim, 1)));
        no_mask_embed = register_module("no_mask_embed", new Embedding(1, embed_dim));
    }

    /// <summary>Width of every prompt embedding.</summary>
    public long embed_dim { get; }

    /// <summary>The padded encoder input (H, W) prompt coordinates refer to.</summary>
    public Pair input_image_size { get; }

    /// <summary>The image embedding grid (H, W).</summary>
    public Pair image_embedding_size { get; }

    /// <summary>Side of the mask prompts (four times the embedding grid).</summary>
    public Pair mask_input_size => new(4 * image_embedding_size.H, 4 * image_embedding_size.W);

    /// <summary>The position encoding of points and of the image grid.</summary>
    public PositionEmbeddingRandom pe_layer { get; }

    /// <summary>Negative point, positive point, box top-left, box bottom-right.</summary>
    public ModuleList<Embedding> point_embeddings { get; }

    /// <summary>The padding point's embedding.</summary>
    public Embedding not_a_point_embed { get; }

    /// <summary>Mask prompt (N, 1, 4h, 4w) → dense embedding (N, C, h, w).</summary>
    public Sequential mask_downscaling { get; }

    /// <summary>The dense embedding when no mask is given.</summary>
    public Embedding no_mask_embed { get; }

    /// <summary>The position encoding of the image embedding grid, (1, C, h, w).</summary>
    public Tensor get_dense_pe()
    {
        using var scope = torch.NewDisposeScope();
        return pe_layer.forward(image_embedding_size.H, image_embedding_size.W).unsqueeze(0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Sparse (B, tokens, C) and dense (B, C, h, w) embeddings of the prompts; each of the three may be null, and
    /// those given share the batch size B.
    /// </summary>
    /// <param name="points">Point coordinates (B, N, 2) as (x, y) in encoder-input pixels and labels (B, N): 1 foreground, 0 background, −1 padding.</param>
    /// <param name="boxes">Boxes (B, 4) as x0, y0, x1, y1 in encoder-input pixels.</param>
    /// <param name="masks">Low-res mask logits (B, 1, 4h, 4w).</param>
    public (Tensor Sparse, Tensor Dense) forward((Tensor Coords, Tensor Labels)? points, Tensor? boxes, Tensor? masks)
    {
        var batch = BatchSize(points, boxes, masks);
        using var scope = torch.NewDisposeScope();
        var weight = not_a_point_embed.weight;
        var parts = new List<Tensor> { torch.empty([batch, 0, embed_dim], weight.dtype, weight.device) };
        if (points is var (coords, labels))
        {
            parts.Add(EmbedPoints(coords, labels, pad: boxes is null));
        }
        if (boxes is not null)
        {
            parts.Add(EmbedBoxes(boxes));
        }
        var sparse = torch.cat(parts, 1);
        var dense = masks is not null
            ? mask_downscaling.forward(masks)
            : no_mask_embed.weight.reshape(1, -1, 1, 1).expand(batch, -1, image_embedding_size.H, image_embedding_size.W);
        return (sparse.MoveToOuterDisposeScope(), dense.MoveToOuterDisposeScope());
    }

    private Tensor EmbedPoints(Tensor coords, Tensor labels, bool pad)
    {
        // Pixel centres: the encoding samples the grid at +0.5 too.
        coords = coords + 0.5;
        if (pad)
        {
            // Without a box the decoder still sees a token in the box slot: a "not a point" padding point.
            coords = torch.cat([coords, torch.zeros([coords.size(0), 1, 2], coords.dtype, coords.device)], 1);
            labels = torch.cat([labels, -torch.ones([labels.size(0), 1], labels.dtype, labels.device)], 1);
        }
        var embedding = pe_layer.forward_with_coords(coords, input_image_size);
        var label = labels.unsqueeze(-1);
        embedding = torch.where(label.eq(-1), torch.zeros_like(embedding), embedding);
        embedding = embedding + torch.where(label.eq(-1), not_a_point_embed.weight, torch.zeros_like(embedding));
        embedding = embedding + torch.where(label.eq(0), point_embeddings[0].weight, torch.zeros_like(embedding));
        return embedding + torch.where(label.eq(1), point_embeddings[1].weight, torch.zeros_like(embedding));
    }

    private Tensor EmbedBoxes(Tensor boxes)
    {
        var corners = pe_layer.forward_with_coords((boxes + 0.5).reshape(-1, 2, 2), input_image_size);
        var cornerKinds = torch.cat([point_embeddings[2].weight, point_embeddings[3].weight], 0);
        return corners + cornerKinds;
    }

    private static long BatchSize((Tensor Coords, Tensor Labels)? points, Tensor? boxes, Tensor? masks)
    {
        var sizes = new List<(string Name, long Size)>();
        if (points is var (coords, labels))
        {
            if (coords.dim() != 3 || coords.size(2) != 2 || labels.dim() != 2 || labels.size(0) != coords.size(0) || labels.size(1) != coords.size(1))
            {
                throw new ArgumentException($"Point prompts must be coordinates (B, N, 2) and labels (B, N); got [{string.Join(", ", coords.shape)}] and [{string.Join(", ", labels.shape)}].");
            }
            sizes.Add(("points", coords.size(0)));
        }
        if (boxes is not null)
        {
            if (boxes.dim() != 2 || boxes.size(1) != 4)
            {
                throw new ArgumentException($"Box prompts must be (B, 4); got [{string.Join(", ", boxes.shape)}].");
            }
            sizes.Add(("boxes", boxes.size(0)));
        }
        if (masks is not null)
        {
            if (masks.dim() != 4 || masks.size(1) != 1)
            {
                throw new ArgumentException($"Mask prompts must be (B, 1, H, W); got [{string.Join(", ", masks.shape)}].");
            }
            sizes.Add(("masks", masks.size(0)));
        }
        if (sizes.Select(s => s.Size).Distinct().Count() > 1)
        {
            throw new ArgumentException($"Prompt batch sizes differ: {string.Join(", ", sizes.Select(s => $"{s.Name} {s.Size}"))}.");
        }
        return sizes.Count > 0 ? sizes[0].Size : 1;
    }
}
