using static Vision.Engine.OptionChecks;

namespace Vision.Engine.Optim;

/// <summary>
/// The hyper-parameters the Adam-style optimizers (Adam, AdamW, LAMB, Lion) share: <c>lr</c>, <c>beta1</c>,
/// <c>beta2</c>, <c>weight_decay</c> and, where used, <c>eps</c>. Their groups map <c>"momentum"</c> to <c>beta1</c>.
/// </summary>
internal static class AdamFamily
{
    /// <summary>The hyper-parameter <c>group["momentum"]</c> refers to.</summary>
    public const string MomentumKey = "beta1";

    /// <summary>The defaults dictionary; <paramref name="eps"/> is left out when null (Lion has none).</summary>
    public static Dictionary<string, double> Defaults(double lr, (double beta1, double beta2) betas, double weight_decay, double? eps)
    {
        var d = new Dictionary<string, double>
        {
            ["lr"] = lr,
            ["beta1"] = betas.beta1,
            ["beta2"] = betas.beta2,
            ["weight_decay"] = weight_decay,
        };
        if (eps is { } e)
        {
            d["eps"] = e;
        }
        return d;
    }

    /// <summary>Checks lr, the betas, weight decay and (when present) eps as torch.optim.Adam does.</summary>
    public static void Validate(ParamGroup group)
    {
        NonNegative("lr", group.lr);
        if (group.Contains("eps"))
        {
            NonNegative("eps", group["eps"]);
        }
        UnitInterval("beta1", group["beta1"]);
        UnitInterval("beta2", group["beta2"]);
        NonNegative("weight_decay", group.weight_decay);
    }
}
