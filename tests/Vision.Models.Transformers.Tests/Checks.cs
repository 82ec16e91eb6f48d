using Vision.nn;

namespace Vision.Models.Transformers.Tests;

/// <summary>Value comparisons and model helpers shared by the tests.</summary>
internal static class Checks
{
    /// <summary>Asserts |expected − actual| ≤ rtol · max|expected| + atol elementwise, naming the first difference.</summary>
    public static double Close(double[] expected, Tensor actual, double rtol, string what, double atol = 1e-6) =>
        Vision.Tests.Reference.ReferenceAssert.Close(expected, actual, rtol, what, atol);

    /// <summary>The number of trainable values, as PyTorch's sum(p.numel() for p in model.parameters()).</summary>
    public static long CountParameters(Module module) => module.parameters().Sum(p => p.numel());

    /// <summary>Moves every parameter and floating-point buffer away from its initial value (variances stay positive), so a mixed-up weight shows.</summary>
    public static void Randomize(Module module, Generator generator)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, tensor) in module.named_parameters().Concat(module.named_buffers()))
        {
            if (tensor.dtype != torch.float32)
            {
                continue;
            }
            using var noise = torch.randn(tensor.shape, torch.float32, generator: generator);
            if (name.EndsWith("running_var", StringComparison.Ordinal))
            {
                tensor.copy_(noise.abs_().add_(0.5));
            }
            else
            {
                tensor.add_(noise.mul_(0.1));
            }
        }
    }
}
