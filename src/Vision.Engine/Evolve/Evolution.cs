using System.Globalization;
using Vision.Engine.Configuration;
using Vision.Engine.Training;

namespace Vision.Engine.Evolve;

/// <summary>
/// Hyperparameter evolution for a configuration (YOLOv5's <c>train.py --evolve</c>, for classification): each
/// generation trains one candidate for a short budget through the normal <see cref="Experiment"/> path, appends its
/// fitness, metrics and hyperparameters to <c>evolve.csv</c>, and the next candidate is a mutation of a parent drawn
/// from the best results so far (<see cref="GeneticSearch"/>). Generation 0 is the configuration as given.
/// </summary>
/// <remarks>
/// A generation's candidate depends only on the seed, its number and the results before it, so a killed run
/// continued with <see cref="EvolveOptions.Resume"/> gives the results an uninterrupted one would. Processes sharing
/// the folder each claim the next generation under a file lock (<see cref="EvolveLog"/>). Candidates keep their
/// logs and <c>config.json</c> in <c>gen_NNNN/</c> and write no checkpoints.
/// </remarks>
/// <example>
/// <code>
/// var result = Evolution.Run("configs/resnet/resnet18_fashion-mnist.json", new EvolveOptions { Generations = 30, Epochs = 1, Seed = 0 });
/// Console.WriteLine($"best fitness {result.Best.Fitness} → {result.BestConfigFile}");
/// </code>
/// </example>
public static class Evolution
{
    /// <summary>Runs (or continues) the evolution of <paramref name="configPath"/>.</summary>
    /// <param name="configPath">The configuration to evolve; its <c>evolve</c> section holds the settings (<see cref="EvolveSettings"/>).</param>
    /// <param name="options">Generations, budget, seed, overrides, folder, resume.</param>
    /// <param name="configure">Changes to every candidate's trainer (a console, extra hooks), or null.</param>
    /// <param name="cancellationToken">Stops after the current candidate's step; that generation is trained again on resume.</param>
    /// <exception cref="ConfigException">The configuration or its <c>evolve</c> section is invalid, or the fitness names a metric validation does not report.</exception>
    /// <exception cref="IOException"><c>evolve.csv</c> has results and <see cref="EvolveOptions.Resume"/> is off.</exception>
    public static EvolveResult Run(string configPath, EvolveOptions options, Action<TrainerBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(configPath);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Generations, 1, nameof(options.Generations));
        if (options.Epochs is < 1 || options.Iters is < 1 || (options.Epochs is not null && options.Iters is not null))
        {
            throw new ArgumentException("give the budget as a positive number of epochs or of iterations, not both.", nameof(options));
        }
        var baseTree = Config.FromFile(configPath, options.Overrides).ToJsonNode();
        var settings = EvolveSettings.FromConfig(baseTree);
        var space = settings.Space;
        var start = space.ValuesIn(baseTree);
        var folder = Path.GetFullPath(options.WorkDir ?? Path.Combine("work_dirs", Path.GetFileNameWithoutExtension(configPath) + "_evolve"));
        var log = new EvolveLog(folder, space);
        if (!options.Resume && log.Read().Count > 0)
        {
            throw new IOException($"{log.CsvPath} already has results; pass --resume (EvolveOptions.Resume) to continue them, or choose another work dir.");
        }
        options.Log?.Invoke($"evolving {string.Join(", ", space.Names)} ({settings.Strategy.ToString().ToLowerInvariant()}, parent {settings.Parent.ToString().ToLowerInvariant()}, fitness {settings.Fitness}) in {folder}");
        var trained = 0;
        var interrupted = false;
        while (!cancellationToken.IsCancellationRequested && log.Claim(options.Generations) is var (generation, records))
        {
            var values = Propose(generation, records, start, settings, options.Seed);
            try
            {
                var record = Train(configPath, options, space.Overrides(values), Path.Combine(folder, $"gen_{generation:D4}"), settings,
                    [.. records.Select(r => r.Curve)], generation, values, configure, cancellationToken);
                if (record is null)
                {
                    log.Release(generation);
                    interrupted = true;
                    break;
                }
                log.Complete(record);
                trained++;
                options.Log?.Invoke(Describe(record, space));
            }
            catch
            {
                log.Release(generation);
                throw;
            }
        }
        interrupted |= cancellationToken.IsCancellationRequested;
        return Finish(configPath, options, settings, log, folder, trained, interrupted);
    }

    /// <summary>
    /// Generation <paramref name="generation"/>'s hyperparameters: the configuration's own for generation 0, otherwise
    /// a mutated parent from the scored <paramref name="records"/> (the starting values when there are none yet; a
    /// diverged candidate has no fitness and is never a parent) or, for random search, a uniform draw.
    /// </summary>
    public static double[] Propose(int generation, IReadOnlyList<EvolveRecord> records, IReadOnlyList<double> start, EvolveSettings settings, long seed)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(settings);
        if (generation == 0)
        {
            return [.. start];
        }
        var random = new GenerationRandom(seed, generation);
        if (settings.Strategy == SearchStrategy.Random)
        {
            return GeneticSearch.Sample(start, settings.Space, random);
        }
        var scored = records.Where(r => double.IsFinite(r.Fitness)).Select(r => (r.Fitness, r.Values)).ToList();
        var parent = scored.Count == 0 ? [.. start] : GeneticSearch.SelectParent(scored, settings.Parent, random);
        return GeneticSearch.Mutate(parent, settings.Space, random);
    }

    private static EvolveRecord? Train(string configPath, EvolveOptions options, IReadOnlyList<string> hyperparameters, string workDir,
        EvolveSettings settings, IReadOnlyList<IReadOnlyList<double>> earlierCurves, int generation, double[] values,
        Action<TrainerBuilder>? configure, CancellationToken cancellationToken)
    {
        var config = Config.FromFile(configPath, [.. options.Overrides, .. CandidateSettings(options), .. hyperparameters]);
        // Experiment initialises the model before the trainer seeds the generator, whose state at that point depends on
        // what ran before in this process (libtorch seeds it at random on start). Seeding here gives every candidate
        // the same initial weights, in any process, so candidates differ only by their hyperparameters.
        var seed = long.TryParse(config.GetSection("trainer:seed").Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var trainerSeed)
            ? trainerSeed : options.Seed;
        torch.manual_seed(unchecked((ulong)seed));
        var hook = new FitnessCurveHook(settings.Fitness, settings.EarlyStopping, earlierCurves);
        FitResult fit;
        using (var experiment = Experiment.FromConfig(config, workDir))
        {
            try
            {
                fit = experiment.Fit(builder =>
                {
                    configure?.Invoke(builder);
                    builder.WithHooks(hook);
                }, cancellationToken);
            }
            catch (KeyNotFoundException e)
            {
                throw new ConfigException("evolve:fitness", e.Message, e);
            }
            catch (NonFiniteLossException e)
            {
                // Diverged: a result with no fitness, never a parent nor the best, and the search goes on.
                return new EvolveRecord(generation, double.NaN, new Dictionary<string, double>(), values, e.Iter + 1,
                    Math.Max(hook.BudgetIters, e.Iter + 1), false, hook.Curve);
            }
        }
        if (fit.Reason == StopReason.Interrupted)
        {
            return null;
        }
        if (fit.Metrics.Count == 0)
        {
            throw new ConfigException("val_dataloader", "evolution needs validation metrics for the fitness, but the candidate was never validated; configure a val_dataloader and val_evaluator.");
        }
        return new EvolveRecord(generation, settings.Fitness.Evaluate(fit.Metrics), fit.Metrics, values, fit.Iter,
            Math.Max(hook.BudgetIters, fit.Iter), hook.StoppedEarly, hook.Curve);
    }

    // The budget, and no checkpoints: a candidate is scored, not kept (the best config is the product), and an
    // interrupted one is trained again from the start.
    private static IEnumerable<string> CandidateSettings(EvolveOptions options) =>
    [
        .. options.Epochs is { } epochs ? [$"trainer:max_epochs={epochs}", "trainer:max_iters=null"]
            : options.Iters is { } iters ? [$"trainer:max_iters={iters}", "trainer:max_epochs=null"]
            : Array.Empty<string>(),
        "trainer:checkpoint:interval=0", "trainer:checkpoint:recovery_interval=0", "trainer:checkpoint:save_last=false",
        "trainer:checkpoint:save_best=null", "trainer:checkpoint:save_on_interrupt=false",
    ];

    private static EvolveResult Finish(string configPath, EvolveOptions options, EvolveSettings settings, EvolveLog log, string folder, int trained, bool interrupted)
    {
        var records = log.Read();
        if (records.Count == 0)
        {
            throw new OperationCanceledException("the evolution was cancelled before its first generation finished.");
        }
        var space = settings.Space;
        var best = records.Where(r => double.IsFinite(r.Fitness)).OrderByDescending(r => r.Fitness).ThenBy(r => r.Generation).FirstOrDefault() ?? records[0];
        // The best as what the user passes to train: their own overrides (not the evolve settings) and the hyperparameters.
        var overrides = options.Overrides.Where(o => !o.StartsWith("evolve", StringComparison.OrdinalIgnoreCase)).Concat(space.Overrides(best.Values)).ToList();
        var overridesFile = Path.Combine(folder, "best_overrides.txt");
        File.WriteAllLines(overridesFile, overrides.SelectMany(o => new[] { "--set", o }));
        var configFile = Path.Combine(folder, "best_config.json");
        Config.FromFile(configPath, overrides).Save(configFile);
        var plotFile = Path.Combine(folder, "evolve.png");
        var fitnessPlotFile = Path.Combine(folder, "evolve_fitness.png");
        EvolvePlot.SaveScatter(plotFile, records, space, best);
        EvolvePlot.SaveFitness(fitnessPlotFile, records);
        var result = new EvolveResult(records, best, space, log.CsvPath, overridesFile, configFile, plotFile, fitnessPlotFile, trained, interrupted);
        options.Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"{records.Count} generations; best: generation {best.Generation}, fitness {best.Fitness:0.#####}; early stopping saved {result.ComputeSaved:P1} of the iteration budget"));
        return result;
    }

    private static string Describe(EvolveRecord record, SearchSpace space) =>
        string.Create(CultureInfo.InvariantCulture, $"generation {record.Generation}: fitness {record.Fitness:0.#####}") +
        (double.IsNaN(record.Fitness) ? " (diverged: the loss was not finite)" : "") +
        (record.StoppedEarly ? string.Create(CultureInfo.InvariantCulture, $" (stopped early after {record.Iters} of {record.BudgetIters} iterations)") : "") +
        " | " + string.Join(", ", space.Names.Select((n, i) => $"{n}={SearchSpace.Format(record.Values[i])}"));
}
