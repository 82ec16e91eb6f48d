namespace Vision.Engine.Evolve;

/// <summary>What <see cref="Evolution.Run"/> does besides the configuration's <c>evolve</c> section.</summary>
public sealed class EvolveOptions
{
    /// <summary>How many generations (candidates) the evolution has in all, counting those already in <c>evolve.csv</c>.</summary>
    public int Generations { get; set; } = 300;

    /// <summary>Each candidate's budget in epochs (sets <c>trainer.max_epochs</c>); null keeps the configuration's.</summary>
    public int? Epochs { get; set; }

    /// <summary>Each candidate's budget in iterations (sets <c>trainer.max_iters</c>); null keeps the configuration's.</summary>
    public long? Iters { get; set; }

    /// <summary>The seed of parent selection and mutation; generation g's random numbers depend only on (seed, g).</summary>
    public long Seed { get; set; }

    /// <summary>Overrides (<c>path=value</c>) applied to the configuration before the hyperparameters, as <c>--set</c>.</summary>
    public IReadOnlyList<string> Overrides { get; set; } = [];

    /// <summary>The folder of <c>evolve.csv</c>, the candidates' work dirs, the best config and the plots; default <c>work_dirs/{config name}_evolve</c>.</summary>
    public string? WorkDir { get; set; }

    /// <summary>Continue the results in <c>evolve.csv</c> (or join processes sharing it); without it an existing, non-empty <c>evolve.csv</c> is an error.</summary>
    public bool Resume { get; set; }

    /// <summary>Receives one line per finished generation (and other progress), or null.</summary>
    public Action<string>? Log { get; set; }
}
