using F = Vision.nn.functional;

namespace Vision.nn;

/// <summary>
/// Group normalisation (torch.nn.GroupNorm): the channels of (N, C, …) input are split into <c>num_groups</c> groups,
/// each normalised over its channels and spatial positions, then scaled (ones) and shifted (zeros) per channel.
/// </summary>
public sealed class GroupNorm : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer; <paramref name="num_channels"/> must be divisible by <paramref name="num_groups"/>.</summary>
    public GroupNorm(long num_groups, long num_channels, double eps = 1e-5, bool affine = true, Device? device = null, ScalarType? dtype = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(num_groups);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(num_channels);
        if (num_channels % num_groups != 0)
        {
            throw new ArgumentException($"num_channels ({num_channels}) must be divisible by num_groups ({num_groups}).", nameof(num_channels));
        }
        this.num_groups = num_groups;
        this.num_channels = num_channels;
        this.eps = eps;
        this.affine = affine;
        var type = dtype ?? torch.float32;
        register_parameter("weight", affine ? torch.ones([num_channels], type, device) : null);
        register_parameter("bias", affine ? torch.zeros([num_channels], type, device) : null);
    }

    /// <summary>Number of groups.</summary>
    public long num_groups { get; }

    /// <summary>Number of channels C.</summary>
    public long num_channels { get; }

    /// <summary>Added to the variance for numerical stability.</summary>
    public double eps { get; }

    /// <summary>Whether the layer has a learnable per-channel scale and shift.</summary>
    public bool affine { get; }

    /// <summary>The scale, (C), or null.</summary>
    public Tensor? weight => GetParameter("weight");

    /// <summary>The shift, (C), or null.</summary>
    public Tensor? bias => GetParameter("bias");

    /// <inheritdoc />
    public override string extra_repr() => $"{num_groups}, {num_channels}, eps={Repr.Float(eps)}, affine={Repr.Bool(affine)}";

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => F.group_norm(input, num_groups, weight, bias, eps);
}
