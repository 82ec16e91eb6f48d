namespace Vision.Engine.Optim;

/// <summary>
/// The multipliers one entry of <see cref="ParamGroupRules.CustomKeys"/> applies to the parameters whose name
/// contains its key (MMEngine's <c>custom_keys={'.cls_token': dict(decay_mult=0.0)}</c>).
/// </summary>
/// <param name="LrMult">Factor on the base learning rate.</param>
/// <param name="DecayMult">Factor on the base weight decay.</param>
public sealed record CustomKey(double LrMult = 1, double DecayMult = 1);
