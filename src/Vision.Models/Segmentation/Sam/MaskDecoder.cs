using Vision.nn;

namespace Vision.Models.Segmentation.Sam;

/// <summary>
/// SAM's mask decoder: an IoU token and 1 + <see cref="num_multimask_outputs"/> mask tokens join the prompt tokens
/// in a <see cref="TwoWayTransformer"/> with the image embedding (plus the dense prompt); the image tokens are
/// upscaled ×4 by two transposed convs, each mask token's hypernetwork MLP gives the weights of a dot product with
/// them (one low-res mask each), and an MLP on the IoU token predicts each mask's IoU. Keys are the official
/// <c>mask_decoder.*</c> ones without the prefix.
/// </summary>
public sealed class MaskDecoder : Module
{
    /// <summary>The mask decoder of <paramref name="config"/>.</summary>
    public MaskDecoder(SamConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var dim = config.PromptEmbedDim;
        num_multimask_outputs = config.NumMultimaskOutputs;
        num_mask_tokens = num_multimask_outputs + 1;
        transformer = register_module("transformer", new TwoWayTransformer(config.DecoderDepth, dim, config.DecoderNumHeads, config.DecoderMlpDim));
        iou_token = register_module("iou_token", new Embedding(1, dim));
        mask_tokens = register_module("mask_tokens", new Embedding(num_mask_tokens, dim));
        output_upscaling = register_module("output_upscaling", new Sequential(
            new ConvTranspose2d(dim, dim / 4, 2, stride: 2),
            new LayerNorm2d(dim / 4),
            new GELU(),
            new ConvTranspose2d(dim / 4, dim / 8, 2, stride: 2),
            new GELU()));
        output_hypernetworks_mlps = register_module("output_hypernetworks_mlps", new ModuleList<SamMlp>(
            Enumerable.Range(0, (int)num_mask_tokens).Select(_ => new SamMlp(dim, dim, dim / 8, 3))));
        iou_prediction_head = register_module("iou_prediction_head", new SamMlp(dim, config.IouHeadHiddenDim, num_mask_tokens, config.IouHeadDepth));
    }

    /// <summary>Masks of the multimask output.</summary>
    public long num_multimask_outputs { get; }

    /// <summary>Mask tokens: the single-mask one and the multimask ones.</summary>
    public long num_mask_tokens { get; }

    /// <summary>The two-way transformer.</summary>
    public TwoWayTransformer transformer { get; }

    /// <summary>The IoU token.</summary>
    public Embedding iou_token { get; }

    /// <summary>The mask tokens.</summary>
    public Embedding mask_tokens { get; }

    /// <summary>Image tokens (B, C, h, w) → (B, C/8, 4h, 4w).</summary>
    public Sequential output_upscaling { get; }

    /// <summary>One hypernetwork per mask token.</summary>
    public ModuleList<SamMlp> output_hypernetworks_mlps { get; }

    /// <summary>Predicts each mask's IoU from the IoU token.</summary>
    public SamMlp iou_prediction_head { get; }

    /// <summary>
    /// Low-res mask logits (B, M, 4h, 4w) and IoU predictions (B, M) — M = <see cref="num_multimask_outputs"/> when
    /// <paramref name="multimask_output"/>, else 1 — for each of the B prompts.
    /// </summary>
    /// <param name="image_embeddings">The image embedding (1, C, h, w), shared by all prompts.</param>
    /// <param name="image_pe">Its position encoding (1, C, h, w).</param>
    /// <param name="sparse_prompt_embeddings">Prompt tokens (B, N, C).</param>
    /// <param name="dense_prompt_embeddings">Dense prompt (B, C, h, w).</param>
    /// <param name="multimask_output">Whether to return the three multimask outputs instead of the single mask.</param>
    public (Tensor Masks, Tensor IouPredictions) forward(Tensor image_embeddings, Tensor image_pe, Tensor sparse_prompt_embeddings, Tensor dense_prompt_embeddings, bool multimask_output)
    {
        using var scope = torch.NewDisposeScope();
        var (masks, iou) = predict_masks(image_embeddings, image_pe, sparse_prompt_embeddings, dense_prompt_embeddings);
        var (start, end) = multimask_output ? (1L, num_mask_tokens) : (0L, 1L);
        return (masks.slice(1, start, end).MoveToOuterDisposeScope(), iou.slice(1, start, end).MoveToOuterDisposeScope());
    }

    /// <summary>All <see cref="num_mask_tokens"/> low-res masks (B, M, 4h, 4w) and IoU predictions (B, M).</summary>
    public (Tensor Masks, Tensor IouPredictions) predict_masks(Tensor image_embeddings, Tensor image_pe, Tensor sparse_prompt_embeddings, Tensor dense_prompt_embeddings)
    {
        ArgumentNullException.ThrowIfNull(image_embeddings);
        ArgumentNullException.ThrowIfNull(sparse_prompt_embeddings);
        if (image_embeddings.size(0) != 1)
        {
            throw new ArgumentException($"MaskDecoder decodes prompts against one image embedding (1, C, h, w); got [{string.Join(", ", image_embeddings.shape)}].");
        }
        using var scope = torch.NewDisposeScope();
        var batch = sparse_prompt_embeddings.size(0);
        var outputTokens = torch.cat([iou_token.weight, mask_tokens.weight], 0).unsqueeze(0).expand(batch, -1, -1);
        var tokens = torch.cat([outputTokens, sparse_prompt_embeddings], 1);
        var src = image_embeddings.expand(batch, -1, -1, -1) + dense_prompt_embeddings;
        var posSrc = image_pe.expand(batch, -1, -1, -1);
        var (b, c, h, w) = (src.size(0), src.size(1), src.size(2), src.size(3));
        var (hs, imageTokens) = transformer.forward(src, posSrc, tokens);
        var iouTokenOut = hs.select(1, 0);
        var upscaled = output_upscaling.forward(imageTokens.transpose(1, 2).reshape(b, c, h, w));
        var hyperIn = torch.stack(Enumerable.Range(0, (int)num_mask_tokens).Select(i => output_hypernetworks_mlps[i].forward(hs.select(1, 1 + i))).ToList(), 1);
        var (uc, uh, uw) = (upscaled.size(1), upscaled.size(2), upscaled.size(3));
        var masks = hyperIn.matmul(upscaled.view(b, uc, uh * uw)).view(b, -1, uh, uw);
        var iou = iou_prediction_head.forward(iouTokenOut);
        return (masks.MoveToOuterDisposeScope(), iou.MoveToOuterDisposeScope());
    }
}
