namespace Vision.Tests;

public class SmokeTests
{
    [Fact]
    public void AddsTwoTensors()
    {
        using var a = torch.tensor(new float[] { 1, 2, 3 });
        using var b = torch.tensor(new float[] { 10, 20, 30 });
        using var c = a + b;
        Assert.Equal(new float[] { 11, 22, 33 }, c.data<float>());
    }
}
