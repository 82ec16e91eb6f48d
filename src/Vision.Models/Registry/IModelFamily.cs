namespace Vision.Models.Registry;

/// <summary>
/// An architecture that registers its named variants with <see cref="ModelRegistry"/> (timm's
/// <c>@register_model</c>). The registry finds every family in Vision.Models the first time it is used, so a new
/// architecture file needs no edit anywhere else; a user's own families register with
/// <see cref="ModelRegistry.RegisterFamily{T}"/> or <see cref="ModelRegistry.RegisterFamilies"/>.
/// </summary>
public interface IModelFamily
{
    /// <summary>Registers the family's variants, e.g. <c>ModelRegistry.Register("resnet18", o => …, "ResNet-18")</c>.</summary>
    static abstract void RegisterModels();
}
