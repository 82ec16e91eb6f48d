using Vision.Data;
using Vision.Engine.Checkpoints;
using Vision.Engine.Hooks;
using Vision.Engine.Training;

namespace Vision.Engine.Tests.Training;

/// <summary>Appends "{name}:{point}" to a shared log at every lifecycle point, so tests can check order and priority.</summary>
internal sealed class RecordingHook(string name, List<string> log, HookPriority priority = HookPriority.Normal) : Hook(priority)
{
    private void Add(string point) => log.Add($"{name}:{point}");

    public override void BeforeRun(Trainer trainer) => Add("BeforeRun");
    public override void AfterRun(Trainer trainer) => Add("AfterRun");
    public override void BeforeTrain(Trainer trainer) => Add("BeforeTrain");
    public override void AfterTrain(Trainer trainer) => Add("AfterTrain");
    public override void BeforeTrainEpoch(Trainer trainer) => Add("BeforeTrainEpoch");
    public override void AfterTrainEpoch(Trainer trainer) => Add("AfterTrainEpoch");
    public override void BeforeTrainIter(Trainer trainer, int batchIndex, Batch batch) => Add($"BeforeTrainIter{batchIndex}");
    public override void AfterTrainIter(Trainer trainer, int batchIndex, Batch batch, TrainStepOutput output) => Add($"AfterTrainIter{batchIndex}");
    public override void BeforeVal(Trainer trainer) => Add("BeforeVal");
    public override void AfterVal(Trainer trainer) => Add("AfterVal");
    public override void BeforeValEpoch(Trainer trainer) => Add("BeforeValEpoch");
    public override void AfterValEpoch(Trainer trainer, IReadOnlyDictionary<string, double> metrics) => Add("AfterValEpoch");
    public override void BeforeValIter(Trainer trainer, int batchIndex, Batch batch) => Add($"BeforeValIter{batchIndex}");
    public override void AfterValIter(Trainer trainer, int batchIndex, Batch batch, Tensor logits) => Add($"AfterValIter{batchIndex}");
    public override void BeforeTest(Trainer trainer) => Add("BeforeTest");
    public override void AfterTest(Trainer trainer) => Add("AfterTest");
    public override void BeforeTestEpoch(Trainer trainer) => Add("BeforeTestEpoch");
    public override void AfterTestEpoch(Trainer trainer, IReadOnlyDictionary<string, double> metrics) => Add("AfterTestEpoch");
    public override void BeforeTestIter(Trainer trainer, int batchIndex, Batch batch) => Add($"BeforeTestIter{batchIndex}");
    public override void AfterTestIter(Trainer trainer, int batchIndex, Batch batch, Tensor logits) => Add($"AfterTestIter{batchIndex}");
    public override void BeforeSaveCheckpoint(Trainer trainer, Checkpoint checkpoint) => Add("BeforeSaveCheckpoint");
    public override void AfterSaveCheckpoint(Trainer trainer, string location) => Add("AfterSaveCheckpoint");
    public override void AfterLoadCheckpoint(Trainer trainer, Checkpoint checkpoint) => Add("AfterLoadCheckpoint");
}

/// <summary>Calls an action at <see cref="Hook.BeforeTrainIter"/> or <see cref="Hook.AfterTrainIter"/> (e.g. to simulate a crash).</summary>
internal sealed class ActionHook(Action<Trainer, int>? beforeIter = null, Action<Trainer, TrainStepOutput>? afterIter = null, HookPriority priority = HookPriority.Normal) : Hook(priority)
{
    public override void BeforeTrainIter(Trainer trainer, int batchIndex, Batch batch) => beforeIter?.Invoke(trainer, batchIndex);

    public override void AfterTrainIter(Trainer trainer, int batchIndex, Batch batch, TrainStepOutput output) => afterIter?.Invoke(trainer, output);
}

/// <summary>The failure a test injects to stand for a crash.</summary>
internal sealed class SimulatedCrashException() : Exception("simulated crash");
