namespace Vision.Engine.Optim;

/// <summary>
/// The multipliers one entry of <see cref="ParamGroupRules.custom_keys"/> applies to the parameters whose name
/// contains its key (MMEngine's <c>custom_keys={'.cls_token': dict(decay_mult=0.0)}</c>).
/// </summary>
/// <param name="lr_mult">Factor on the base learning rate.</param>
/// <param name="decay_mult">Factor on the base weight decay.</param>
public sealed record CustomKey(double lr_mult = 1, double decay_mult = 1);
