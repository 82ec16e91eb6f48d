using Vision.nn;

namespace Vision.Models.Segmentation.Sam;

/// <summary>
/// Random Fourier features for positions (Tancik et al., as SAM encodes points and the image grid): coordinates in
/// [0, 1] are mapped to [−1, 1], projected by a fixed Gaussian (2, F) matrix, and encoded as
/// <c>[sin(2π·p), cos(2π·p)]</c>, 2F values per position.
/// </summary>
public sealed class PositionEmbeddingRandom : Module
{
    /// <summary>An encoding of 2·<paramref name="num_pos_feats"/> values with a N(0, <paramref name="scale"/>²) matrix.</summary>
    public PositionEmbeddingRandom(long num_pos_feats = 64, double scale = 1.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(num_pos_feats);
        register_buffer("positional_encoding_gaussian_matrix", torch.randn(2, num_pos_feats) * (scale <= 0 ? 1.0 : scale));
    }

    /// <summary>The fixed projection (2, F), a buffer saved with the model.</summary>
    public Tensor positional_encoding_gaussian_matrix => GetBuffer("positional_encoding_gaussian_matrix")!;

    /// <summary>The encoding (2F, H, W) of the centres of an <paramref name="height"/>×<paramref name="width"/> grid.</summary>
    public Tensor forward(long height, long width)
    {
        using var scope = torch.NewDisposeScope();
        var matrix = positional_encoding_gaussian_matrix;
        var grid = torch.ones([height, width], matrix.dtype, matrix.device);
        var y = (grid.cumsum(0) - 0.5) / height;
        var x = (grid.cumsum(1) - 0.5) / width;
        return Encode(torch.stack([x, y], -1)).permute(2, 0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>The encoding (…, 2F) of (…, 2) pixel coordinates (x, y) in an image of <paramref name="imageSize"/> (H, W).</summary>
    public Tensor forward_with_coords(Tensor coords_input, Pair imageSize)
    {
        ArgumentNullException.ThrowIfNull(coords_input);
        using var scope = torch.NewDisposeScope();
        var size = torch.tensor(new float[] { imageSize.W, imageSize.H }, 2).to(coords_input.device);
        return Encode(coords_input.to(ScalarType.Float32) / size).MoveToOuterDisposeScope();
    }

    private Tensor Encode(Tensor normalized)
    {
        var projected = (normalized * 2 - 1).matmul(positional_encoding_gaussian_matrix) * (2 * Math.PI);
        return torch.cat([projected.sin(), projected.cos()], -1);
    }
}
