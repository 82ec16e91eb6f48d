using Vision.Data.Datasets;
using Vision.Engine.Evaluation;
using Vision.Engine.Optim;
using Vision.nn;

namespace Vision.Engine.Tests.Training;

[Collection(TrainerCollection.Name)]
public sealed class PrecisionAndLayoutTests : IDisposable
{
    private readonly TrainingFixture fixture = new();

    public void Dispose() => fixture.Dispose();

    /// <summary>Wraps a model and records, per forward pass, whether CPU autocast was on, the output dtype and the input layout.</summary>
    private sealed class Probe : Module<Tensor, Tensor>
    {
        private readonly Module<Tensor, Tensor> inner;

        public Probe(Module<Tensor, Tensor> inner) => this.inner = register_module("inner", inner);

        public List<(bool Autocast, ScalarType Output, bool ChannelsLast)> Calls { get; } = [];

        public override Tensor forward(Tensor input)
        {
            var output = inner.forward(input);
            Calls.Add((torch.is_autocast_enabled(DeviceType.CPU), output.dtype, input.is_contiguous(MemoryFormat.ChannelsLast) && !input.is_contiguous()));
            return output;
        }
    }

    [Fact]
    public void BFloat16AutocastRunsTheForwardPassesOfTrainingAndValidation()
    {
        using var trainData = TrainingFixture.Quadrants(8, seed: 1);
        using var valData = TrainingFixture.Quadrants(4, seed: 2);
        using var train = TrainingFixture.Loader(trainData, 4);
        using var val = TrainingFixture.Loader(valData, 4);
        using var model = new Probe(TrainingFixture.Mlp(seed: 1));
        var result = fixture.Builder(model, train, val)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1))
            .WithEvaluator(new LossEvaluator())
            .WithOptions(o =>
            {
                o.MaxEpochs = 1;
                o.Amp.Enabled = true;
            })
            .Fit();

        Assert.Equal(3, model.Calls.Count);
        Assert.All(model.Calls, c => Assert.Equal((true, ScalarType.BFloat16), (c.Autocast, c.Output)));
        Assert.False(torch.is_autocast_enabled(DeviceType.CPU));
        Assert.True(double.IsFinite(result.Metrics["loss"]));
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
    }

    [Fact]
    public void ChannelsLastConvertsTheWeightsAndEveryBatch()
    {
        using var images = torch.randint(0, 256, [8, 4, 4, 3], ScalarType.Byte);
        using var data = new InMemoryDataset(images.clone(), torch.tensor<long>([0, 1, 2, 3, 0, 1, 2, 3], [8]));
        using var loader = TrainingFixture.Loader(data, 4);
        torch.manual_seed(1);
        var conv = new Conv2d(3, 4, 3, padding: 1);
        using var model = new Probe(new Sequential(conv, new Flatten(), new Linear(64, 4)));
        fixture.Builder(model, loader)
            .WithOptimizer(m => new SGD(m.parameters(), lr: 0.1))
            .WithOptions(o =>
            {
                o.MaxEpochs = 1;
                o.ChannelsLast = true;
                o.DataPreprocessor.Mean = [127.5, 127.5, 127.5];
                o.DataPreprocessor.Std = [127.5, 127.5, 127.5];
            })
            .Fit();

        Assert.Equal(2, model.Calls.Count);
        Assert.All(model.Calls, c => Assert.True(c.ChannelsLast));
        var weight = conv.weight;
        Assert.True(weight.is_contiguous(MemoryFormat.ChannelsLast) && !weight.is_contiguous());
    }
}
