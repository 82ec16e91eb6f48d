using Vision.nn;

namespace Vision.Models.Backbones.AdditiveAttention;

/// <summary>
/// The Convolutional Additive Token Mixer (CATM) of CAS-ViT: q, k, v = split(conv1x1 d→3d (x)), then
/// out = proj(dwc(Φ(q) + Ψ(k)) ⊙ v) with Φ, Ψ each a <see cref="SpatialOperation"/> followed by a
/// <see cref="ChannelOperation"/> (separate weights), and dwc, proj depthwise 3x3 convolutions with bias. Adding the
/// gated q and k replaces the L×L similarity matrix of self-attention, so the cost is linear in the number of tokens.
/// State-dict keys: <c>qkv</c>, <c>oper_q.{0,1}</c>, <c>oper_k.{0,1}</c>, <c>dwc</c>, <c>proj</c>.
/// </summary>
public sealed class AdditiveTokenMixer : Module<Tensor, Tensor>
{
    /// <summary>Creates the mixer.</summary>
    /// <param name="dim">Channels d.</param>
    /// <param name="proj_drop">Dropout on the output.</param>
    public AdditiveTokenMixer(long dim, double proj_drop = 0)
    {
        qkv = register_module("qkv", new Conv2d(dim, 3 * dim, 1, bias: false));
        oper_q = register_module("oper_q", new Sequential(new SpatialOperation(dim), new ChannelOperation(dim)));
        oper_k = register_module("oper_k", new Sequential(new SpatialOperation(dim), new ChannelOperation(dim)));
        dwc = register_module("dwc", new Conv2d(dim, dim, 3, padding: 1, groups: dim));
        proj = register_module("proj", new Conv2d(dim, dim, 3, padding: 1, groups: dim));
        this.proj_drop = register_module("proj_drop", new Dropout(proj_drop));
    }

    /// <summary>The q, k, v projection d → 3d, without bias.</summary>
    public Conv2d qkv { get; }

    /// <summary>Spatial then channel gating of q.</summary>
    public Sequential oper_q { get; }

    /// <summary>Spatial then channel gating of k.</summary>
    public Sequential oper_k { get; }

    /// <summary>Depthwise 3x3 convolution of q + k.</summary>
    public Conv2d dwc { get; }

    /// <summary>Depthwise 3x3 output projection.</summary>
    public Conv2d proj { get; }

    /// <summary>Dropout on the output.</summary>
    public Dropout proj_drop { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var qkvParts = qkv.forward(input).chunk(3, 1);
        // Φ(q) ends in the channel gate's multiply, whose output autograd does not keep: Ψ(k) is added into it.
        var context = dwc.forward(oper_q.forward(qkvParts[0]).add_(oper_k.forward(qkvParts[1])));
        return proj_drop.forward(proj.forward(context.mul(qkvParts[2]))).MoveToOuterDisposeScope();
    }
}
