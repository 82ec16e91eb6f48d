using System.ComponentModel;
using Microsoft.Extensions.Configuration;
using Vision.Data;
using Vision.Data.Image;
using Vision.Data.Transforms;
using Vision.Engine.Checkpoints;
using Vision.Models;
using Vision.Models.Losses;
using Vision.Models.Registry;
using Vision.Models.Weights;

namespace Vision.Engine.Configuration;

/// <summary>
/// The <c>model</c> section of a configuration (MMPreTrain's model dict), bound by <see cref="ComponentBuilder"/>
/// like every other section: which registered classifier to build and the settings every architecture shares.
/// Architecture settings go under <c>overrides</c> and the loss under <c>loss</c>, read when the model is built.
/// </summary>
[DisplayName("the model")]
[Description("architecture settings such as depth go under \"overrides\", the loss under \"loss\"")]
internal sealed class ModelSection
{
    /// <summary>The config section's name.</summary>
    public const string Name = "model";

    /// <summary>The sub-sections read separately from the binder.</summary>
    public static readonly string[] SeparateKeys = ["overrides", "loss"];

    /// <summary>A registered model name such as <c>resnet18</c>.</summary>
    public string? Type { get; set; }

    /// <summary>Classes of the head; the training set's class count when absent.</summary>
    [ConfigurationKeyName("num_classes")]
    public long? NumClasses { get; set; }

    /// <summary>The input side the model is built for.</summary>
    [ConfigurationKeyName("img_size")]
    public long ImageSize { get; set; } = 224;

    /// <summary>Dropout before the classifier.</summary>
    [ConfigurationKeyName("drop_rate")]
    public double DropRate { get; set; }

    /// <summary>Stochastic depth at the deepest block.</summary>
    [ConfigurationKeyName("drop_path_rate")]
    public double DropPathRate { get; set; }

    /// <summary>Weights to start from (a .pth, .safetensors or checkpoint folder), adapted to this model.</summary>
    public string? Pretrained { get; set; }

    /// <summary>Binds the <c>model</c> section of <paramref name="config"/>.</summary>
    /// <exception cref="ConfigException">Unknown keys, malformed values or no <c>type</c>.</exception>
    public static ModelSection Bind(Config config)
    {
        var section = config.GetSection(Name);
        var model = ComponentBuilder.BindProperties<ModelSection>(section, BuildArguments.None, SeparateKeys);
        return string.IsNullOrWhiteSpace(model.Type)
            ? throw new ConfigException(section.Path, $"the model needs a \"type\": a registered model name such as {string.Join(", ", ModelRegistry.ListModels().Take(4))}.")
            : model;
    }

    /// <summary>
    /// Builds the classifier with its loss and overrides, records its metadata (how validation prepares inputs) and
    /// loads <see cref="Pretrained"/> weights through <see cref="WeightLoader"/> (adapting position embeddings and
    /// skipping a classifier of another class count).
    /// </summary>
    /// <param name="config">The <c>model</c> section (for <c>loss</c> and <c>overrides</c>).</param>
    /// <param name="classes">The training set's class names; their count is the default class count.</param>
    /// <param name="evaluation">The validation (or test) pipeline, whose resize and crop the metadata records.</param>
    /// <exception cref="ConfigException">The registry or the weights refused the settings (the message names the path).</exception>
    public ImageClassifier Build(IConfigurationSection config, IReadOnlyList<string> classes, IReadOnlyList<ITransform> evaluation)
    {
        var name = Type!;
        var lossSection = config.GetSection("loss");
        var options = new ModelOptions
        {
            NumClasses = NumClasses ?? classes.Count,
            ImageSize = ImageSize,
            DropRate = DropRate,
            DropPathRate = DropPathRate,
            Loss = ComponentBuilder.IsEmpty(lossSection) ? null : ComponentBuilder.Build<ClsLoss>(lossSection, Registries.Losses, BuildArguments.None),
            // Lists become "a,b,c", the form ModelOptions reads (out_indices).
            Overrides = WithCheckpointOverrides(config, config.GetSection("overrides").GetChildren().ToDictionary(
                c => c.Key, c => c.Value ?? string.Join(",", ComponentBuilder.Items(c).Select(i => i.Value)))),
        };
        ImageClassifier model;
        try
        {
            model = ModelRegistry.Create(name, options);
        }
        catch (ArgumentException e)
        {
            options.Loss?.Dispose();
            throw new ConfigException(config.Path, e.Message, e);
        }
        model.pretrained_cfg = Describe(model.pretrained_cfg!, classes, evaluation);
        if (Pretrained is { Length: > 0 } pretrained)
        {
            try
            {
                WeightLoader.Load(model, pretrained, WeightLoadPolicy.Adapt, fallbackKeyMap: ModelRegistry.Get(name).PretrainedKeyMap);
            }
            catch (Exception e) when (e is ArgumentException or FileNotFoundException or InvalidDataException)
            {
                model.Dispose();
                throw new ConfigException($"{config.Path}:pretrained", e.Message, e);
            }
        }
        return model;
    }

    // The registry's metadata (how to rebuild the model) plus how validation prepared its inputs; the trainer adds its
    // normalisation when it writes a checkpoint.
    private static ModelMetadata Describe(ModelMetadata registered, IReadOnlyList<string> classes, IReadOnlyList<ITransform> evaluation)
    {
        var resize = evaluation.OfType<ResizeEdge>().FirstOrDefault();
        var crop = evaluation.OfType<CenterCrop>().FirstOrDefault();
        return registered with
        {
            ClassNames = classes.Count == registered.NumClasses ? classes : null,
            Interpolation = (resize?.Interpolation ?? Interpolation.Bilinear).ToString().ToLowerInvariant(),
            CropPct = resize is not null && crop is not null ? (double)crop.Height / resize.Scale : 1.0,
        };
    }

    // The pretrained checkpoint can decide settings its weights need (an official CAS-ViT's dist_head); the config's own win.
    private Dictionary<string, string> WithCheckpointOverrides(IConfigurationSection config, Dictionary<string, string> overrides)
    {
        if (Pretrained is not { Length: > 0 } pretrained)
        {
            return overrides;
        }
        try
        {
            foreach (var (key, value) in PretrainedWeights.ImpliedOverrides(pretrained))
            {
                overrides.TryAdd(key, value);
            }
            return overrides;
        }
        catch (InvalidDataException e)
        {
            throw new ConfigException($"{config.Path}:pretrained", e.Message, e);
        }
    }
}
