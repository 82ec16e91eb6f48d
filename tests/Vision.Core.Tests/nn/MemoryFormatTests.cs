using Vision.nn;

namespace Vision.Tests.nn;

public sealed class MemoryFormatTests
{
    [Fact]
    public void ToChannelsLastRelaysFourDimensionalWeightsInPlaceAndKeepsValues()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new Sequential(new Conv2d(3, 4, 3), new Flatten(), new Linear(4, 2));
        var conv = (Conv2d)model[0];
        var weight = conv.weight;
        var before = weight.clone();

        Assert.Same(model, model.to(MemoryFormat.ChannelsLast));
        Assert.Same(weight, conv.weight);
        Assert.True(weight.is_contiguous(MemoryFormat.ChannelsLast));
        Assert.False(weight.is_contiguous());
        Assert.True(weight.equal(before));
        Assert.Equal([27L, 1, 9, 3], weight.stride());
        // Other tensors keep their layout.
        Assert.True(((Linear)model[2]).weight.is_contiguous());

        model.to(MemoryFormat.Contiguous);
        Assert.True(weight.is_contiguous());
        Assert.True(weight.equal(before));
        Assert.Throws<ArgumentException>(() => model.to(MemoryFormat.Preserve));
    }
}
