using Vision.nn;

namespace Vision.Models.Backbones.Transformer;

/// <summary>
/// Cuts images into non-overlapping square patches and projects each to the embedding width (timm's PatchEmbed):
/// a convolution whose kernel and stride are the patch size, (N, C, H, W) → (N, H/p · W/p, D) with the patches in
/// row-major order of the patch grid. State-dict key: <c>proj</c>.
/// </summary>
public sealed class PatchEmbed : Module<Tensor, Tensor>
{
    /// <summary>Creates the projection.</summary>
    /// <param name="patch_size">The side of a patch in pixels.</param>
    /// <param name="in_channels">Image channels.</param>
    /// <param name="embed_dim">The embedding width D.</param>
    public PatchEmbed(long patch_size, long in_channels, long embed_dim)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(patch_size);
        this.patch_size = patch_size;
        proj = register_module("proj", new Conv2d(in_channels, embed_dim, patch_size, stride: patch_size));
    }

    /// <summary>The side of a patch in pixels.</summary>
    public long patch_size { get; }

    /// <summary>The patch projection, (D, C, p, p) with bias.</summary>
    public Conv2d proj { get; }

    /// <summary>The patch grid (rows, columns) for an image of <paramref name="height"/> × <paramref name="width"/> pixels.</summary>
    /// <exception cref="ArgumentException">A side is not a positive multiple of the patch size.</exception>
    public Pair GridFor(long height, long width)
    {
        // The strided convolution would silently drop the remainder, so a border of the image would never be seen.
        if (height <= 0 || width <= 0 || height % patch_size != 0 || width % patch_size != 0)
        {
            throw new ArgumentException(
                $"The image size {height}x{width} is not divisible by the patch size {patch_size}: both sides must be positive multiples of {patch_size}.");
        }
        return new Pair(height / patch_size, width / patch_size);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 4)
        {
            throw new ArgumentException($"PatchEmbed expects (N, C, H, W) images, got shape [{string.Join(", ", input.shape)}].", nameof(input));
        }
        GridFor(input.size(2), input.size(3));
        using var scope = torch.NewDisposeScope();
        var patches = proj.forward(input);
        return patches.flatten(2).transpose(1, 2).MoveToOuterDisposeScope();
    }
}
