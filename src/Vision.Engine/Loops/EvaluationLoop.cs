using Vision.Data;
using Vision.Data.Loading;
using Vision.Engine.Distributed;
using Vision.Engine.Evaluation;
using Vision.Engine.Hooks;
using Vision.Engine.Training;

namespace Vision.Engine.Loops;

/// <summary>
/// What validation and test passes share: the model in eval mode without gradients, the evaluation preprocessing,
/// the forward pass under autocast, float32 logits to every evaluator, and the metrics logged as <c>{mode}/{name}</c>.
/// The global random state is restored afterwards, so a pass never changes training. On several ranks each evaluates
/// its share and the evaluators see every sample once (<see cref="DistributedEvaluation"/>). Subclasses name the hooks.
/// </summary>
internal abstract class EvaluationLoop(Trainer trainer, DataLoader loader)
{
    protected Trainer Trainer => trainer;

    /// <summary>The batches evaluated.</summary>
    protected DataLoader Loader => loader;

    /// <summary>The prefix of the logged metrics: "val" or "test".</summary>
    protected abstract string Mode { get; }

    protected abstract void BeforeRun(Hook hook);

    protected abstract void BeforeEpoch(Hook hook);

    protected abstract void BeforeIter(Hook hook, int batchIndex, Batch batch);

    protected abstract void AfterIter(Hook hook, int batchIndex, Batch batch, Tensor logits);

    protected abstract void AfterEpoch(Hook hook, IReadOnlyDictionary<string, double> metrics);

    protected abstract void AfterRun(Hook hook);

    /// <summary>Called with the metrics before the epoch-end hooks see them.</summary>
    protected virtual void Publish(IReadOnlyDictionary<string, double> metrics)
    {
    }

    /// <summary>Called once every hook has seen the metrics (after-epoch hooks), before the after-run hooks.</summary>
    protected virtual void Completed()
    {
    }

    /// <summary>Runs the pass; <paramref name="classes"/> name the report's per-class rows (indices when null).</summary>
    protected EvaluationReport Evaluate(IReadOnlyList<string>? classes)
    {
        // Evaluation must not shift the training random stream: a resumed run does not repeat it.
        using var rngState = torch.get_rng_state();
        var model = trainer.Model;
        var wasTraining = model.training;
        trainer.CallHooks(BeforeRun);
        foreach (var evaluator in trainer.Evaluators)
        {
            evaluator.Reset();
        }
        model.eval();
        using var results = new DistributedEvaluation(trainer.Distributed, trainer.Evaluators, loader, model);
        trainer.CallHooks(BeforeEpoch);
        using (torch.no_grad())
        {
            var index = 0;
            foreach (var batch in loader)
            {
                using (batch)
                using (torch.NewDisposeScope())
                {
                    var batchIndex = index;
                    trainer.CallHooks(h => BeforeIter(h, batchIndex, batch));
                    var (inputs, targets) = trainer.Preprocessor.Process(batch, training: false, trainer.AugmentRandom());
                    Tensor logits;
                    using (trainer.Autocast())
                    {
                        logits = model.forward(inputs);
                    }
                    var logits32 = logits.to(ScalarType.Float32);
                    results.Process(logits32, targets);
                    trainer.CallHooks(h => AfterIter(h, batchIndex, batch, logits32));
                }
                index++;
            }
        }
        results.Complete();
        SkippedSamples.Report(trainer, loader, Mode);
        var report = EvaluationReport.FromEvaluators(trainer.Evaluators, classes);
        var metrics = report.Metrics;
        model.train(wasTraining);
        foreach (var (name, value) in metrics)
        {
            trainer.Logs.UpdateScalar($"{Mode}/{name}", value);
        }
        Publish(metrics);
        trainer.CallHooks(h => AfterEpoch(h, metrics));
        Completed();
        trainer.CallHooks(AfterRun);
        torch.set_rng_state(rngState);
        return report;
    }
}
