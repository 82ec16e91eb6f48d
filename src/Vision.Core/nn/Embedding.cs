using F = Vision.nn.functional;

namespace Vision.nn;

/// <summary>
/// A lookup table of <c>num_embeddings</c> vectors of size <c>embedding_dim</c> (torch.nn.Embedding): int64 indices
/// of any shape map to their rows. The weight starts as N(0, 1); the row <c>padding_idx</c>, if given, starts at zero
/// and receives no gradient.
/// </summary>
public sealed class Embedding : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer; a negative <paramref name="padding_idx"/> counts from the end, as in PyTorch.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="padding_idx"/> is not a valid row.</exception>
    public Embedding(long num_embeddings, long embedding_dim, long? padding_idx = null, Device? device = null, ScalarType? dtype = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(num_embeddings);
        ArgumentOutOfRangeException.ThrowIfNegative(embedding_dim);
        if (padding_idx is { } p && (p >= num_embeddings || p < -num_embeddings))
        {
            throw new ArgumentOutOfRangeException(nameof(padding_idx), p, $"padding_idx must be within [-{num_embeddings}, {num_embeddings}).");
        }
        this.num_embeddings = num_embeddings;
        this.embedding_dim = embedding_dim;
        this.padding_idx = padding_idx < 0 ? padding_idx + num_embeddings : padding_idx;
        register_parameter("weight", torch.empty([num_embeddings, embedding_dim], dtype ?? torch.float32, device));
        reset_parameters();
    }

    /// <summary>Number of rows.</summary>
    public long num_embeddings { get; }

    /// <summary>Size of each row.</summary>
    public long embedding_dim { get; }

    /// <summary>The row that stays zero and untrained, or null.</summary>
    public long? padding_idx { get; }

    /// <summary>The table, (num_embeddings, embedding_dim).</summary>
    public Tensor weight => GetParameter("weight")!;

    /// <summary>Re-draws the table from N(0, 1) (from <paramref name="generator"/> if given) and zeroes the padding row.</summary>
    public void reset_parameters(Generator? generator = null)
    {
        init.normal_(weight, generator: generator);
        if (padding_idx is { } p)
        {
            using (torch.no_grad())
            using (var row = weight.select(0, p))
            {
                row.zero_();
            }
        }
    }

    /// <inheritdoc />
    public override string extra_repr() => $"{num_embeddings}, {embedding_dim}" + (padding_idx is { } p ? $", padding_idx={p}" : "");

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => F.embedding(input, weight, padding_idx);
}
