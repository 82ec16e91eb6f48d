using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Vision.Engine.Checkpoints;

namespace Vision.Engine.Configuration;

/// <summary>
/// A run's merged configuration (MMEngine's Config): a JSON file with its <c>"_base_"</c> files layered under it
/// and command-line overrides on top. It is readable as <see cref="IConfiguration"/>, so Options classes bind with
/// <c>services.Configure&lt;TOptions&gt;(config.GetSection("optimizer"))</c> (keys match property names ignoring
/// case; give snake_case keys such as <c>weight_decay</c> a <c>[ConfigurationKeyName]</c>), and as a JSON tree.
/// <see cref="Save"/> writes the merged result, which loads back to the same config.
/// </summary>
/// <example>
/// <code>
/// // configs/resnet18_cifar.json: { "_base_": ["../_base_/models/resnet18.json", "../_base_/schedules/sgd.json"], "optimizer": { "lr": 0.05 } }
/// var config = Config.FromFile("configs/resnet18_cifar.json", ["optimizer:lr=0.001", "train:max_epochs=5"]);
/// services.Configure&lt;SgdOptions&gt;(config.GetSection("optimizer"));
/// config.Save(Path.Combine(workDir, "config.json"));
/// </code>
/// </example>
public sealed class Config
{
    private static readonly JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true,
        // Keep class names and paths readable in the saved file instead of \u-escaping non-ASCII characters.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly JsonObject root;

    private Config(JsonObject root, string? sourcePath, string? origin = null)
    {
        this.root = root;
        SourcePath = sourcePath;
        Origin = origin ?? sourcePath;
        Configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(root.ToJsonString()))).Build();
    }

    /// <summary>The full path of the file the configuration was loaded from, or null when it was made in memory.</summary>
    public string? SourcePath { get; }

    /// <summary>Where the configuration came from, for reports: the file it was loaded from, or the checkpoint that stored it; null when made in memory.</summary>
    public string? Origin { get; }

    /// <summary>The merged configuration as key/value sections (keys are case-insensitive; array items are sections "0", "1", …).</summary>
    public IConfiguration Configuration { get; }

    /// <summary>
    /// Loads <paramref name="path"/>, merges its <c>_base_</c> files under it (recursively; objects merge key by key,
    /// later files win, arrays are replaced, <c>"_delete_": true</c> replaces an object instead of merging) and
    /// applies <paramref name="overrides"/> (<c>path=value</c>, see <c>--set</c>) last, in order.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file or one of its bases does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is not valid JSON (the message gives file and line), is not a JSON object,
    /// has a malformed <c>_base_</c> or <c>_delete_</c> (file and JSON path), or the bases form a cycle (the files of the cycle).</exception>
    /// <exception cref="ArgumentException">An override is malformed or its path runs into a value that is not an object.</exception>
    public static Config FromFile(string path, IEnumerable<string>? overrides = null)
    {
        var parsed = (overrides ?? []).Select(ConfigOverride.Parse).ToList();
        var root = ConfigLoader.Load(path);
        foreach (var item in parsed)
        {
            item.ApplyTo(root);
        }
        return new Config(root, Path.GetFullPath(path));
    }

    /// <summary>
    /// The configuration a trainer checkpoint was trained with (<paramref name="path"/>: a checkpoint folder, a
    /// checkpoint root or a work dir, whose latest checkpoint is used), with <c>trainer.work_dir</c> set to the run's
    /// work dir and <paramref name="overrides"/> applied last, so a run can be tested from its outputs alone.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no trainer checkpoint at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The checkpoint was not trained from a configuration.</exception>
    public static Config FromCheckpoint(string path, IEnumerable<string>? overrides = null)
    {
        var parsed = (overrides ?? []).Select(ConfigOverride.Parse).ToList();
        var folder = FileCheckpointStore.Locate(path);
        var root = FileCheckpointStore.ReadMeta(folder).RunConfig?.DeepClone().AsObject()
            ?? throw new InvalidDataException($"The checkpoint '{folder}' records no configuration (it was not trained from a config file); give the config as well.");
        // {work_dir}/checkpoints/{name}: reports of this checkpoint belong beside the run's own.
        if (Path.GetDirectoryName(folder) is { } checkpoints && Path.GetFileName(checkpoints) == "checkpoints" && Path.GetDirectoryName(checkpoints) is { } workDir)
        {
            if (root["trainer"] is not JsonObject trainer)
            {
                trainer = [];
                root["trainer"] = trainer;
            }
            trainer["work_dir"] = workDir;
        }
        foreach (var item in parsed)
        {
            item.ApplyTo(root);
        }
        return new Config(root, sourcePath: null, origin: $"{folder} (the configuration it was trained with)");
    }

    /// <summary>A configuration from an already merged JSON object (e.g. the one a checkpoint stores); it is copied.</summary>
    public static Config FromJson(JsonObject root, string? sourcePath = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        return new Config((JsonObject)root.DeepClone(), sourcePath);
    }

    /// <summary>The section at <paramref name="key"/> (colon-separated, e.g. "optimizer" or "model:backbone").</summary>
    public IConfigurationSection GetSection(string key) => Configuration.GetSection(key);

    /// <summary>A copy of the merged configuration as a JSON tree.</summary>
    public JsonObject ToJsonNode() => (JsonObject)root.DeepClone();

    /// <summary>The merged configuration as indented JSON.</summary>
    public string ToJson() => root.ToJsonString(Pretty);

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/> (creating its folder), e.g. beside a run's checkpoints.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }
        File.WriteAllText(path, ToJson() + Environment.NewLine);
    }
}
