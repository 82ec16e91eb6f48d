using Vision.Models.Segmentation.Sam;
using Vision.nn;

namespace Vision.Engine.Segmentation;

/// <summary>
/// Prompts a <see cref="Sam"/> model on one image (the official SamPredictor): <see cref="SetImage"/> resizes the
/// longest side to the encoder input (bilinear with antialiasing, aspect kept), normalizes, pads and computes the
/// image embedding once; <see cref="Predict"/> then decodes any number of point, box and mask prompts against it.
/// Prompt coordinates are in original-image pixels.
/// </summary>
public sealed class SamPredictor : IDisposable
{
    private Tensor? features;

    /// <summary>A predictor over <paramref name="model"/>, which is put in evaluation mode; the caller keeps ownership of it.</summary>
    public SamPredictor(Sam model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        model.eval();
    }

    /// <summary>The model.</summary>
    public Sam Model { get; }

    /// <summary>Whether an image is set.</summary>
    public bool IsImageSet => features is not null;

    /// <summary>The image embedding (1, 256, 64, 64) of the set image.</summary>
    /// <exception cref="InvalidOperationException">No image is set.</exception>
    public Tensor ImageEmbedding => features ?? throw NoImage();

    /// <summary>The set image's (H, W).</summary>
    public Pair OriginalSize { get; private set; }

    /// <summary>The set image's size after the longest-side resize, before padding.</summary>
    public Pair InputSize { get; private set; }

    /// <summary>
    /// The size an (H, W) image is resized to so that its longest side is <paramref name="longestSide"/>, each side
    /// rounded half up, as the official ResizeLongestSide.
    /// </summary>
    public static Pair ResizedShape(long height, long width, long longestSide)
    {
        var scale = longestSide * 1.0 / Math.Max(height, width);
        return new Pair((long)(height * scale + 0.5), (long)(width * scale + 0.5));
    }

    /// <summary>Computes the embedding of <paramref name="image"/>, a uint8 (H, W, 3) tensor in <paramref name="order"/>.</summary>
    /// <exception cref="ArgumentException">The image is not a uint8 (H, W, 3) tensor.</exception>
    public void SetImage(Tensor image, ChannelOrder order = ChannelOrder.Rgb)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.dim() != 3 || image.size(2) != 3 || image.dtype != ScalarType.Byte || image.size(0) == 0 || image.size(1) == 0)
        {
            throw new ArgumentException($"SamPredictor.SetImage expects a non-empty uint8 (H, W, 3) image; got {image.dtype} [{string.Join(", ", image.shape)}].", nameof(image));
        }
        ResetImage();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var rgb = order == ChannelOrder.Bgr ? image.flip(2) : image;
        var (height, width) = (image.size(0), image.size(1));
        var resized = ResizedShape(height, width, Model.img_size);
        var device = Model.pixel_mean.device;
        var x = rgb.permute(2, 0, 1).unsqueeze(0).to(device, ScalarType.Float32);
        x = functional.interpolate(x, [resized.H, resized.W], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        features = Model.image_encoder.forward(Model.preprocess(x)).MoveToOuterDisposeScope();
        OriginalSize = new Pair(height, width);
        InputSize = resized;
    }

    /// <summary>Forgets the set image and frees its embedding.</summary>
    public void ResetImage()
    {
        features?.Dispose();
        features = null;
    }

    /// <summary>Original-image (x, y) coordinates (…, 2) scaled to the resized encoder input.</summary>
    public Tensor ApplyCoords(Tensor coords)
    {
        ArgumentNullException.ThrowIfNull(coords);
        _ = ImageEmbedding;
        using var scope = torch.NewDisposeScope();
        var scale = torch.tensor(new[] { (float)((double)InputSize.W / OriginalSize.W), (float)((double)InputSize.H / OriginalSize.H) }, 2).to(coords.device);
        return (coords.to(ScalarType.Float32) * scale).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Masks for prompts in original-image pixels. Unbatched: points (N, 2) with labels (N), a box (4), a mask
    /// (1, 256, 256) give (C, H, W) masks. Batched: points (B, N, 2) with labels (B, N), boxes (B, 4), masks
    /// (B, 1, 256, 256) give (B, C, H, W). C is 3 with <paramref name="multimaskOutput"/>, else 1.
    /// </summary>
    /// <param name="pointCoords">Point (x, y) coordinates, or null.</param>
    /// <param name="pointLabels">Their labels: 1 foreground, 0 background; required with points.</param>
    /// <param name="boxes">Boxes as x0, y0, x1, y1, or null.</param>
    /// <param name="maskInput">Low-res logits from an earlier prediction, or null.</param>
    /// <param name="multimaskOutput">Three masks per prompt (for ambiguous prompts) instead of one.</param>
    /// <param name="returnLogits">Float logits instead of bool masks (thresholded at the model's mask threshold).</param>
    /// <exception cref="InvalidOperationException">No image is set.</exception>
    /// <exception cref="ArgumentException">Shapes do not match, or labels are missing.</exception>
    public SamPrediction Predict(Tensor? pointCoords = null, Tensor? pointLabels = null, Tensor? boxes = null, Tensor? maskInput = null,
        bool multimaskOutput = true, bool returnLogits = false)
    {
        _ = ImageEmbedding;
        if ((pointCoords is null) != (pointLabels is null))
        {
            throw new ArgumentException("SamPredictor.Predict: point coordinates need point labels and the other way round.");
        }
        var batched = pointCoords?.dim() == 3 || boxes?.dim() == 2 || maskInput?.dim() == 4;
        using var scope = torch.NewDisposeScope();
        var device = Model.pixel_mean.device;
        Tensor? coords = null, labels = null, box = null, mask = null;
        if (pointCoords is not null)
        {
            coords = ApplyCoords(batched ? pointCoords : pointCoords.unsqueeze(0)).to(device);
            labels = (batched ? pointLabels! : pointLabels!.unsqueeze(0)).to(device, ScalarType.Float32);
        }
        if (boxes is not null)
        {
            var b = batched ? boxes : boxes.unsqueeze(0);
            box = ApplyCoords(b.reshape(-1, 2, 2)).reshape(-1, 4).to(device);
        }
        if (maskInput is not null)
        {
            mask = (batched ? maskInput : maskInput.unsqueeze(0)).to(device, ScalarType.Float32);
        }
        var (masks, iou, low) = PredictTorch(coords, labels, box, mask, multimaskOutput, returnLogits);
        return batched
            ? new SamPrediction(masks.MoveToOuterDisposeScope(), iou.MoveToOuterDisposeScope(), low.MoveToOuterDisposeScope())
            : new SamPrediction(masks.squeeze(0).MoveToOuterDisposeScope(), iou.squeeze(0).MoveToOuterDisposeScope(), low.squeeze(0).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The batched decoder call on prompts already in encoder-input pixels (see <see cref="ApplyCoords"/>): masks
    /// (B, C, H, W) at the original size, IoU predictions (B, C) and low-res logits (B, C, 256, 256).
    /// </summary>
    public (Tensor Masks, Tensor IouPredictions, Tensor LowResLogits) PredictTorch(Tensor? pointCoords, Tensor? pointLabels, Tensor? boxes, Tensor? maskInput,
        bool multimaskOutput, bool returnLogits)
    {
        var embedding = ImageEmbedding;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        (Tensor, Tensor)? points = pointCoords is null ? null : (pointCoords, pointLabels ?? throw new ArgumentException("Point coordinates need labels."));
        var (sparse, dense) = Model.prompt_encoder.forward(points, boxes, maskInput);
        var (low, iou) = Model.mask_decoder.forward(embedding, Model.prompt_encoder.get_dense_pe(), sparse, dense, multimaskOutput);
        var masks = Model.postprocess_masks(low, InputSize, OriginalSize);
        if (!returnLogits)
        {
            masks = masks > Model.mask_threshold;
        }
        return (masks.MoveToOuterDisposeScope(), iou.MoveToOuterDisposeScope(), low.MoveToOuterDisposeScope());
    }

    /// <summary>Frees the embedding (not the model).</summary>
    public void Dispose() => ResetImage();

    private static InvalidOperationException NoImage() => new("No image is set: call SamPredictor.SetImage first.");
}
