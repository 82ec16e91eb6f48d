using Vision.nn;

namespace Vision.Models.Segmentation.Sam;

/// <summary>
/// Segment Anything (Kirillov et al., 2023): <see cref="image_encoder"/> computes an image embedding once,
/// <see cref="prompt_encoder"/> and <see cref="mask_decoder"/> turn each prompt into masks in milliseconds. The state
/// dict has the official checkpoints' keys (<c>image_encoder.*</c>, <c>prompt_encoder.*</c>, <c>mask_decoder.*</c>);
/// the pixel mean and std are not saved, as in the official model. Prompting is done through the engine's
/// <c>SamPredictor</c>; this class holds the network and its image pre- and post-processing.
/// </summary>
public sealed class Sam : Module
{
    private static readonly float[] PixelMean = [123.675f, 116.28f, 103.53f];
    private static readonly float[] PixelStd = [58.395f, 57.12f, 57.375f];

    /// <summary>A model of <paramref name="config"/> with freshly initialised weights.</summary>
    public Sam(SamConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        this.config = config;
        image_encoder = register_module("image_encoder", new ImageEncoderViT(config));
        prompt_encoder = register_module("prompt_encoder", new PromptEncoder(config));
        mask_decoder = register_module("mask_decoder", new MaskDecoder(config));
        register_buffer("pixel_mean", torch.tensor(PixelMean, 3, 1, 1), persistent: false);
        register_buffer("pixel_std", torch.tensor(PixelStd, 3, 1, 1), persistent: false);
    }

    /// <summary>The sizes this model was built from.</summary>
    public SamConfig config { get; }

    /// <summary>Logits above this are inside a mask.</summary>
    public double mask_threshold => 0.0;

    /// <summary>Side of the square encoder input.</summary>
    public long img_size => config.ImageSize;

    /// <summary>The ViT image encoder.</summary>
    public ImageEncoderViT image_encoder { get; }

    /// <summary>The prompt encoder.</summary>
    public PromptEncoder prompt_encoder { get; }

    /// <summary>The mask decoder.</summary>
    public MaskDecoder mask_decoder { get; }

    /// <summary>RGB mean (3, 1, 1) on the 0–255 scale.</summary>
    public Tensor pixel_mean => GetBuffer("pixel_mean")!;

    /// <summary>RGB standard deviation (3, 1, 1) on the 0–255 scale.</summary>
    public Tensor pixel_std => GetBuffer("pixel_std")!;

    /// <summary>
    /// Normalizes resized RGB images (N, 3, h, w) on the 0–255 scale, longest side at most <see cref="img_size"/>,
    /// and zero-pads them bottom and right to the square encoder input.
    /// </summary>
    public Tensor preprocess(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 4 || x.size(1) != 3 || x.size(2) > img_size || x.size(3) > img_size)
        {
            throw new ArgumentException($"Sam.preprocess expects resized RGB images (N, 3, h, w) with sides at most {img_size}; got [{string.Join(", ", x.shape)}].", nameof(x));
        }
        using var scope = torch.NewDisposeScope();
        var normalized = (x - pixel_mean) / pixel_std;
        return functional.pad(normalized, [0, img_size - x.size(3), 0, img_size - x.size(2)]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Mask logits at the original image size: low-res logits (B, M, 4h, 4w) are upscaled to the encoder input,
    /// cropped to the resized image <paramref name="inputSize"/> (without the padding), and resized to
    /// <paramref name="originalSize"/> (bilinear, corners not aligned).
    /// </summary>
    public Tensor postprocess_masks(Tensor masks, Pair inputSize, Pair originalSize)
    {
        ArgumentNullException.ThrowIfNull(masks);
        using var scope = torch.NewDisposeScope();
        var full = functional.interpolate(masks, [img_size, img_size], mode: InterpolationMode.Bilinear, align_corners: false);
        var cropped = full.slice(2, 0, inputSize.H).slice(3, 0, inputSize.W);
        return functional.interpolate(cropped, [originalSize.H, originalSize.W], mode: InterpolationMode.Bilinear, align_corners: false).MoveToOuterDisposeScope();
    }
}
