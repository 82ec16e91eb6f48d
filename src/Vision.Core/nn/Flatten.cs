namespace Vision.nn;

/// <summary>Flattens dimensions <c>start_dim</c>..<c>end_dim</c> into one (torch.nn.Flatten; by default all but the batch dimension).</summary>
public sealed class Flatten : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    public Flatten(long start_dim = 1, long end_dim = -1)
    {
        this.start_dim = start_dim;
        this.end_dim = end_dim;
    }

    /// <summary>The first flattened dimension.</summary>
    public long start_dim { get; }

    /// <summary>The last flattened dimension.</summary>
    public long end_dim { get; }

    /// <inheritdoc />
    public override string extra_repr() => $"start_dim={start_dim}, end_dim={end_dim}";

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => input.flatten(start_dim, end_dim);
}
