namespace Vision.nn;

/// <summary>torch.nn.utils: helpers over lists of parameters, shared by modules and optimizers.</summary>
public static class utils
{
    /// <summary>
    /// Clears the gradients of <paramref name="parameters"/>: drops them (<paramref name="set_to_none"/>, PyTorch's
    /// default, which frees their memory and saves a kernel) or zeros them in place.
    /// </summary>
    public static void zero_grad_(IEnumerable<Tensor> parameters, bool set_to_none = true)
    {
        foreach (var p in parameters)
        {
            if (set_to_none)
            {
                p.grad = null;
                continue;
            }
            using var g = p.grad;
            if (g is null)
            {
                continue;
            }
            // A gradient computed with create_graph is part of a graph: cut it before zeroing, as PyTorch does.
            if (g.grad_fn_name.Length > 0)
            {
                g.detach_();
            }
            else
            {
                g.requires_grad = false;
            }
            g.zero_();
        }
    }
}
