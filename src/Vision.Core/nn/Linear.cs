using F = Vision.nn.functional;

namespace Vision.nn;

/// <summary>
/// y = x Wᵀ + b over the last dimension (torch.nn.Linear). Weight (out_features, in_features) and bias
/// (out_features) start as PyTorch's: U(±1/√in_features).
/// </summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer; <paramref name="bias"/> false leaves the bias out.</summary>
    public Linear(long in_features, long out_features, bool bias = true, Device? device = null, ScalarType? dtype = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(in_features);
        ArgumentOutOfRangeException.ThrowIfNegative(out_features);
        this.in_features = in_features;
        this.out_features = out_features;
        var type = dtype ?? torch.float32;
        register_parameter("weight", torch.empty([out_features, in_features], type, device));
        register_parameter("bias", bias ? torch.empty([out_features], type, device) : null);
        reset_parameters();
    }

    /// <summary>The size of each input sample.</summary>
    public long in_features { get; }

    /// <summary>The size of each output sample.</summary>
    public long out_features { get; }

    /// <summary>The weight, (out_features, in_features).</summary>
    public Tensor weight => GetParameter("weight")!;

    /// <summary>The bias, (out_features), or null.</summary>
    public Tensor? bias => GetParameter("bias");

    /// <summary>Re-draws weight and bias as the constructor does, from <paramref name="generator"/> if given.</summary>
    public void reset_parameters(Generator? generator = null) => init.default_layer_init(weight, bias, generator);

    /// <inheritdoc />
    public override string extra_repr() => $"in_features={in_features}, out_features={out_features}, bias={Repr.Bool(bias is not null)}";

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => F.linear(input, weight, bias);
}
