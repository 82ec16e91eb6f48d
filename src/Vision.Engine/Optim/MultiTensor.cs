namespace Vision.Engine.Optim;

/// <summary>
/// What the optimizers' multi-tensor (<c>_foreach_</c>) updates share: the state buffers of a group as one list, and
/// the group split by step count so a per-step scalar (a bias correction) is one value per call.
/// </summary>
internal static class MultiTensor
{
    /// <summary>
    /// The buffer <paramref name="name"/> of every state, index-aligned with <paramref name="params"/>; a missing one is
    /// created filled with <paramref name="initial"/>, shaped like its parameter (PyTorch's state initialisation).
    /// </summary>
    public static List<Tensor> Buffers(IReadOnlyList<ParamState> states, IReadOnlyList<Tensor> @params, string name, double initial = 0)
    {
        var buffers = new List<Tensor>(states.Count);
        for (var i = 0; i < states.Count; i++)
        {
            if (!states[i].TryGetValue(name, out var buffer))
            {
                buffer = states[i][name] = initial == 0 ? torch.zeros_like(@params[i]) : torch.full_like(@params[i], initial);
            }
            buffers.Add(buffer);
        }
        return buffers;
    }

    /// <summary>
    /// The group's parameters split by their state's step count. A group's parameters share one count unless some
    /// missed steps (no gradient then), so this is almost always the whole group.
    /// </summary>
    public static IEnumerable<ParamGroupGrads> ByStep(ParamGroupGrads batch)
    {
        var states = batch.states;
        if (states.All(s => s.step == states[0].step))
        {
            return [batch];
        }
        return Enumerable.Range(0, states.Count)
            .GroupBy(i => states[i].step)
            .Select(bucket => new ParamGroupGrads(batch.group,
                bucket.Select(i => batch.@params[i]).ToList(),
                bucket.Select(i => batch.grads[i]).ToList(),
                bucket.Select(i => states[i]).ToList()));
    }
}
