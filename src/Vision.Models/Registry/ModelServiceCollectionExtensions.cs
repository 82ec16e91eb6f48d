using Microsoft.Extensions.DependencyInjection;

namespace Vision.Models.Registry;

/// <summary>Puts the model registry into a dependency-injection container.</summary>
public static class ModelServiceCollectionExtensions
{
    /// <summary>
    /// Registers, for every model name and alias known now, a keyed singleton
    /// <c>Func&lt;ModelOptions, ImageClassifier&gt;</c> that builds that model through
    /// <see cref="ModelRegistry.Create(string, ModelOptions)"/> (validation included), so the Engine resolves models by the
    /// name in its configuration: <c>sp.GetRequiredKeyedService&lt;Func&lt;ModelOptions, ImageClassifier&gt;&gt;("resnet50")(options)</c>.
    /// Factories rather than models are registered because models are large, disposable and configured per run.
    /// Models registered after this call are not added.
    /// </summary>
    public static IServiceCollection AddVisionModels(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        foreach (var key in ModelRegistry.ListModels().SelectMany(name => (string[])[name, .. ModelRegistry.Get(name).Aliases]))
        {
            var name = key;
            services.AddKeyedSingleton<Func<ModelOptions, ImageClassifier>>(name, (Func<ModelOptions, ImageClassifier>)(options => ModelRegistry.Create(name, options)));
        }
        return services;
    }
}
