using Vision.nn;

namespace Vision.Tests.nn;

/// <summary>conv-bn-relu → global pool → linear, the PyTorch model the state-dict tests mirror.</summary>
internal sealed class TinyNet : Module<Tensor, Tensor>
{
    /// <summary>The Python definition of the same model, for TorchReference scripts.</summary>
    public const string Python = """
import torch.nn as nn
class TinyNet(nn.Module):
    def __init__(self, classes=2):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(4, classes)
    def forward(self, x):
        return self.head(self.pool(self.features(x)).flatten(1))

""";

    public TinyNet(long classes = 2)
    {
        features = register_module("features", new Sequential(new Conv2d(3, 4, 3, padding: 1, bias: false), new BatchNorm2d(4), new ReLU()));
        pool = register_module("pool", new AdaptiveAvgPool2d(1));
        head = register_module("head", new Linear(4, classes));
    }

    public Sequential features { get; }

    public AdaptiveAvgPool2d pool { get; }

    public Linear head { get; }

    public BatchNorm2d bn => (BatchNorm2d)features[1];

    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        return head.forward(pool.forward(features.forward(input)).flatten(1)).MoveToOuterDisposeScope();
    }
}
