using System.Reflection;
using System.Text.RegularExpressions;

namespace Vision.Models.Registry;

/// <summary>
/// Every model architecture by name, as timm's and MMPreTrain's registries: <see cref="ListModels"/> finds names,
/// <see cref="Create(string, long, long, IReadOnlyDictionary{string, string}?)"/> builds a fresh
/// <see cref="ImageClassifier"/>. Names and aliases are matched ignoring case.
/// </summary>
/// <remarks>
/// <para>
/// Registering an architecture: implement <see cref="IModelFamily"/> in the architecture's file and give each variant a
/// name, a factory and a one-line description from its <c>RegisterModels()</c> (timm's <c>@register_model</c>); the
/// registry finds every family in this assembly by itself:
/// <code>
/// ModelRegistry.Register("vit-base-p16", o => BuildViT(768, 12, 12, 16, o), "ViT-B/16 (timm vit_base_patch16)", "vit_base_patch16_224");
/// </code>
/// The factory reads <see cref="ModelOptions.NumClasses"/>, <see cref="ModelOptions.ImageSize"/>, the drop rates, and
/// its architecture-specific overrides through <see cref="ModelOptions.GetInt"/> and the like; overrides it never
/// reads are rejected by <see cref="Create(string, ModelOptions)"/>. User code may register its own models at any time.
/// </para>
/// <para>Thread-safe; a name or alias can be registered once.</para>
/// </remarks>
public static class ModelRegistry
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, ModelInfo> Models = new(StringComparer.OrdinalIgnoreCase);
    // Every name and alias → the model it resolves to.
    private static readonly Dictionary<string, ModelInfo> Names = new(StringComparer.OrdinalIgnoreCase);

    static ModelRegistry() => RegisterFamilies(typeof(ModelRegistry).Assembly);

    /// <summary>Registers the variants of one architecture family.</summary>
    /// <exception cref="ArgumentException">A name the family registers is taken.</exception>
    public static void RegisterFamily<T>() where T : IModelFamily => T.RegisterModels();

    /// <summary>Registers every <see cref="IModelFamily"/> that <paramref name="assembly"/> defines, in name order.</summary>
    /// <exception cref="ArgumentException">A name a family registers is taken.</exception>
    public static void RegisterFamilies(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var register = typeof(ModelRegistry).GetMethod(nameof(RegisterFamily))!;
        foreach (var family in assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsInterface: false } && t.IsAssignableTo(typeof(IModelFamily)))
            .OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            register.MakeGenericMethod(family).Invoke(null, null);
        }
    }

    /// <summary>Registers a model under <paramref name="name"/> and <paramref name="aliases"/>.</summary>
    /// <exception cref="ArgumentException">A name is empty, contains whitespace or wildcards, or is taken.</exception>
    public static void Register(string name, Func<ModelOptions, nn.Module> factory, string description, params string[] aliases) =>
        Register(new ModelInfo(name, factory, description) { Aliases = aliases });

    /// <summary>Registers a model described by <paramref name="info"/> (use this to give a <see cref="ModelInfo.PretrainedKeyMap"/>).</summary>
    /// <exception cref="ArgumentException">A name is empty, contains whitespace or wildcards, or is taken.</exception>
    public static void Register(ModelInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(info.Factory, nameof(info));
        string[] names = [info.Name, .. info.Aliases];
        foreach (var name in names)
        {
            if (string.IsNullOrEmpty(name) || name.Any(c => char.IsWhiteSpace(c) || c is '*' or '?'))
            {
                throw new ArgumentException($"Model name '{name}' must be non-empty, without whitespace, '*' or '?'.", nameof(info));
            }
        }
        lock (Gate)
        {
            var taken = names.Where(Names.ContainsKey).ToList();
            if (taken.Count > 0 || names.Distinct(StringComparer.OrdinalIgnoreCase).Count() != names.Length)
            {
                var clash = taken.Count > 0 ? string.Join(", ", taken.Select(n => $"'{n}' (by {Names[n].Name})")) : "a name repeated among its aliases";
                throw new ArgumentException($"Cannot register model '{info.Name}': {clash}.", nameof(info));
            }
            Models[info.Name] = info;
            foreach (var name in names)
            {
                Names[name] = info;
            }
        }
    }

    /// <summary>
    /// The registered model names matching <paramref name="pattern"/>, sorted (MMPreTrain's <c>list_models</c>):
    /// <c>*</c> matches any run of characters, <c>?</c> one character, case ignored; a model also matches through
    /// one of its aliases, and is listed under its name.
    /// </summary>
    public static IReadOnlyList<string> ListModels(string pattern = "*")
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var regex = new Regex("^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        lock (Gate)
        {
            return Names.Where(n => regex.IsMatch(n.Key)).Select(n => n.Value.Name).Distinct().Order(StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>Whether <paramref name="name"/> is a registered name or alias.</summary>
    public static bool Contains(string name)
    {
        lock (Gate)
        {
            return Names.ContainsKey(name);
        }
    }

    /// <summary>The registration of <paramref name="name"/> (a name or alias).</summary>
    /// <exception cref="ArgumentException">No such model; the message lists close matches and every known name.</exception>
    public static ModelInfo Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (Gate)
        {
            if (Names.TryGetValue(name, out var info))
            {
                return info;
            }
            var hint = NameSuggestions.Hint(name, Names.Keys);
            throw new ArgumentException($"Unknown model '{name}'.{hint} Known models: {string.Join(", ", Models.Keys.Order(StringComparer.Ordinal))}.", nameof(name));
        }
    }

    /// <summary>Builds a new <paramref name="name"/> classifier for <paramref name="num_classes"/> classes and <paramref name="img_size"/>-pixel images.</summary>
    /// <exception cref="ArgumentException">The model is unknown, or an override is unknown to it or malformed.</exception>
    public static ImageClassifier Create(string name, long num_classes = 1000, long img_size = 224, IReadOnlyDictionary<string, string>? overrides = null) =>
        Create(name, new ModelOptions { NumClasses = num_classes, ImageSize = img_size, Overrides = overrides ?? new Dictionary<string, string>() });

    /// <summary>Builds a new <paramref name="name"/> classifier from <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">
    /// The model is unknown, is not an image classifier (build those with <see cref="CreateModule"/>), or an override
    /// is unknown to it or malformed.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A common setting is out of range.</exception>
    public static ImageClassifier Create(string name, ModelOptions options)
    {
        var model = CreateModule(name, options);
        if (model is ImageClassifier classifier)
        {
            return classifier;
        }
        model.Dispose();
        throw new ArgumentException($"Model '{name}' is a {model.GetType().Name}, not an image classifier; build it with ModelRegistry.CreateModule.", nameof(name));
    }

    /// <summary>Builds a new <paramref name="name"/> model of any kind (classifier or not) from <paramref name="options"/> (defaults when null).</summary>
    /// <exception cref="ArgumentException">The model is unknown, or an override is unknown to it or malformed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A common setting is out of range.</exception>
    public static nn.Module CreateModule(string name, ModelOptions? options = null)
    {
        options ??= new ModelOptions();
        var info = Get(name);
        options.Validate();
        var tracked = options.Fresh();
        var model = info.Factory(tracked);
        var unread = tracked.UnreadOverrides.ToList();
        if (unread.Count > 0)
        {
            model.Dispose();
            var known = tracked.ReadKeys.ToList();
            throw new ArgumentException(
                $"Model '{info.Name}' does not use override(s) {string.Join(", ", unread.Select(k => $"'{k}'"))}; it reads: {(known.Count > 0 ? string.Join(", ", known) : "none")}.",
                nameof(options));
        }
        if (model is ImageClassifier classifier)
        {
            // What a checkpoint needs to rebuild the model; a config run adds how validation prepared its inputs.
            classifier.pretrained_cfg ??= new ModelMetadata
            {
                Architecture = info.Name,
                Overrides = options.Overrides,
                NumClasses = options.NumClasses,
                ImageSize = (int)options.ImageSize,
                InChannels = options.Overrides.TryGetValue("in_channels", out var text) && int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var c) ? c : 3,
            };
        }
        return model;
    }
}
