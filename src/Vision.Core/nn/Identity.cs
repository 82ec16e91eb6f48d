namespace Vision.nn;

/// <summary>
/// Passes its input through (torch.nn.Identity), e.g. to replace a head or a norm. The result is a new handle to the
/// input's tensor, so disposing it never disposes the caller's input.
/// </summary>
public sealed class Identity : Module<Tensor, Tensor>
{
    /// <inheritdoc />
    public override Tensor forward(Tensor input) => input.alias();
}
