namespace Vision.Engine.Optim;

/// <summary>Gradient clipping, as <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c> (PyTorch 1.13).</summary>
public static class ClipGrad
{
    /// <summary>
    /// Scales the gradients of <paramref name="parameters"/> in place so that their joint
    /// <paramref name="norm_type"/>-norm (of the per-gradient norms) is at most <paramref name="max_norm"/>:
    /// every gradient is multiplied by <c>min(1, max_norm / (total_norm + 1e-6))</c>. Parameters without a gradient
    /// are skipped. Returns the total norm before clipping (a zero-dimensional tensor; a float32 zero when no
    /// parameter has a gradient). <paramref name="norm_type"/> may be <see cref="double.PositiveInfinity"/> (max-abs).
    /// </summary>
    public static Tensor clip_grad_norm_(IEnumerable<Tensor> parameters, double max_norm, double norm_type = 2, bool error_if_nonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        OptionChecks.NonNegative("max_norm", max_norm);
        OptionChecks.Positive("norm_type", norm_type);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var grads = new List<Tensor>();
        foreach (var p in parameters)
        {
            if (p.grad is { } g)
            {
                grads.Add(g);
            }
        }
        if (grads.Count == 0)
        {
            return torch.tensor(0.0).MoveToOuterDisposeScope();
        }
        var total = double.IsPositiveInfinity(norm_type)
            ? torch.stack(grads.Select(g => g.abs().max()).ToList()).max()
            : torch.stack(torch._foreach_norm(grads, norm_type)).norm(norm_type);
        if (error_if_nonfinite && !total.isfinite().item<bool>())
        {
            throw new InvalidOperationException(
                $"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it cannot be clipped. " +
                "To disable this error and scale the gradients by the non-finite norm anyway, set error_if_nonfinite=false.");
        }
        var coef = (max_norm / (total + 1e-6)).clamp(max: 1.0);
        foreach (var g in grads)
        {
            g.mul_(coef);
        }
        return total.MoveToOuterDisposeScope();
    }

    /// <summary>Clamps every gradient of <paramref name="parameters"/> into [-clip_value, clip_value] in place.</summary>
    public static void clip_grad_value_(IEnumerable<Tensor> parameters, double clip_value)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        OptionChecks.NonNegative("clip_value", clip_value);
        using var noGrad = torch.no_grad();
        foreach (var p in parameters)
        {
            using var g = p.grad;
            g?.clamp_(-clip_value, clip_value);
        }
    }
}
