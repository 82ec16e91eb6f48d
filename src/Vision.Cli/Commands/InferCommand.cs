using System.CommandLine;
using Spectre.Console;
using System.Globalization;
using System.Text.Json;
using Vision.Cli.Inference;
using Vision.Cli.Output;
using Vision.Data.Image;
using Vision.Engine.Checkpoints;
using Vision.Engine.Hooks;
using Vision.Engine.Inference;
using Vision.Models.Registry;
using Vision.Models.Weights;
using Vision.Threading;

namespace Vision.Cli.Commands;

/// <summary>
/// <c>vision infer &lt;inputs&gt;... --model NAME --checkpoint PATH</c>: classifies images with a trained model through
/// <see cref="ImageClassificationInferencer"/> (MMPreTrain's test pipeline: resize the short side, center-crop,
/// normalize) and prints one row per image, optionally the top-k classes, and the full results as JSON.
/// With <c>--config</c> the training config supplies the model and its normalisation (MMPreTrain's
/// <c>ImageClassificationInferencer(config, pretrained=checkpoint)</c>); options given on the command line win.
/// </summary>
public static class InferCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs")
        {
            Description = "Image files, folders (every image under them) or .txt lists of image paths (one per line, relative to the list).",
            Arity = ArgumentArity.OneOrMore,
        };
        var model = new Option<string>("--model", "-m") { Description = "The registered model name (see list-models); or give --config." };
        var config = new Option<string>("--config")
        {
            Description = "The training config: its model (type, img_size, num_classes, overrides) and data_preprocessor mean/std " +
                "(in_channels 1: grayscale) are the defaults of --model, --img-size, --num-classes, --model-option, --mean, --std and --grayscale.",
        };
        var checkpoint = new Option<string>("--checkpoint", "-c")
        {
            Description = "The weights: a trainer checkpoint folder, a work dir or checkpoint root (its latest checkpoint), or a .safetensors file.",
            Required = true,
        };
        var classes = new Option<string>("--classes") { Description = "Class names: a file with one name per line (e.g. classes.txt) or a comma-separated list." };
        var numClasses = new Option<int>("--num-classes") { Description = "Classes of the model's head; default the number of --classes, else 1000." }.MustBePositive();
        var imageSize = new Option<int>("--img-size")
        {
            Description = "The image side the model is built for; the default crop size.",
            DefaultValueFactory = _ => 224,
        }.MustBePositive();
        var resize = new Option<int>("--resize") { Description = "Scale the short side to this many pixels first; default img-size·256/224 (256 for 224), 0 keeps the size." }.MustNotBeNegative();
        var crop = new Option<int>("--crop") { Description = "Side of the center crop; default img-size, 0 skips the crop." }.MustNotBeNegative();
        var mean = new Option<string>("--mean") { Description = "Per-channel mean in pixel units 0-255, comma-separated (see mean-std); default ImageNet's 123.675,116.28,103.53." };
        var std = new Option<string>("--std") { Description = "Per-channel std in pixel units 0-255, comma-separated; default ImageNet's 58.395,57.12,57.375." };
        var grayscale = new Option<bool>("--grayscale") { Description = "Decode images as one gray channel (give --mean, --std and --model-option in_channels=1 to match)." };
        var batchSize = new Option<int>("--batch-size") { Description = "Images per forward pass.", DefaultValueFactory = _ => 8 }.MustBePositive();
        var topk = new Option<int>("--topk") { Description = "Also list the k most probable classes of each image.", DefaultValueFactory = _ => 1 }.MustBePositive();
        var json = new Option<string>("--json") { Description = "Also write every result (with all class scores) as JSON to this file; '-' prints only the JSON." };
        var device = new Option<string>("--device") { Description = "Where the model runs: cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var ema = new Option<bool>("--ema") { Description = "Use the EMA weights of a trainer checkpoint (trained with the EMA hook); by default a checkpoint's weights are those its validation evaluated." };
        var raw = new Option<bool>("--raw") { Description = "Use the raw (not EMA-averaged) weights of a trainer checkpoint." };
        var threads = new Option<int>("--threads") { Description = "Intra-op threads for the model's kernels; default one per physical core, or OMP_NUM_THREADS." }.MustBePositive();
        var modelOptions = new Option<string[]>("--model-option")
        {
            Description = "An architecture override key=value the model was trained with (e.g. in_channels=1); repeat for several.",
        };

        var command = new Command("infer", "Classify images with a trained model.")
        {
            inputs, model, config, checkpoint, classes, numClasses, imageSize, resize, crop, mean, std, grayscale, batchSize, topk, json, device, ema, raw, threads, modelOptions,
        };
        command.SetAction(result =>
        {
            IntraOpThreads.Configure(result.GetResult(threads) is null ? null : result.GetValue(threads));
            if (result.GetValue(model) is null && result.GetValue(config) is null)
            {
                // A trainer checkpoint records the model, its classes and the validation preprocessing.
                Option[] fromCheckpoint = [classes, numClasses, imageSize, resize, crop, mean, std, grayscale, modelOptions];
                if (fromCheckpoint.Where(o => result.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList() is { Count: > 0 } given)
                {
                    throw new ArgumentException($"{string.Join(", ", given)} describe the model, which without --model or --config comes from the checkpoint; give --model or --config to set them.");
                }
                var where = Device.Parse(result.GetRequiredValue(device));
                if (result.GetValue(ema) && result.GetValue(raw))
                {
                    throw new ArgumentException("--ema and --raw exclude each other.");
                }
                var path = result.GetRequiredValue(checkpoint);
                var useEma = result.GetValue(ema) ? true : result.GetValue(raw) ? false : EMAHook.ValidatedWithEma(FileCheckpointStore.ReadMeta(FileCheckpointStore.Locate(path)));
                var inferencer = ImageClassificationInferencer.FromCheckpoint(path, result.GetValue(batchSize), where, useEma);
                using var owned = inferencer.Model;
                var name = ((Vision.Models.ImageClassifier)inferencer.Model).pretrained_cfg?.Architecture ?? "model";
                var weights = useEma ? "EMA weights" : "raw weights";
                return Report(inferencer, result.GetRequiredValue(inputs), $"{name} ({weights}) from {path}", result.GetValue(topk), result.GetValue(json), result.InvocationConfiguration.Output);
            }
            var trained = result.GetValue(config) is { } configPath ? TrainingDefaults.Read(configPath) : null;
            // An option with a default has an implicit result when not typed; only a typed value beats the config.
            var size = result.GetResult(imageSize) is not { Implicit: false } && trained?.ImageSize is { } configured ? configured : result.GetValue(imageSize);
            var readMode = result.GetValue(grayscale) || result.GetResult(grayscale) is null && trained?.InChannels == 1 ? ImageReadMode.Grayscale : ImageReadMode.Rgb;
            var channels = readMode == ImageReadMode.Grayscale ? 1 : 3;
            if (trained is { NumClasses: null } && result.GetResult(numClasses) is null && result.GetValue(classes) is null)
            {
                // Training took the class count from its dataset; inference has no dataset to count.
                throw new ArgumentException("--config: the config's model has no num_classes (training counts the dataset's classes); give --classes or --num-classes.");
            }
            var request = new InferRequest
            {
                Inputs = result.GetRequiredValue(inputs),
                Model = result.GetValue(model) ?? trained?.Model
                    ?? throw new ArgumentException("infer needs --model (a registered model name, see list-models) or --config (a training config)."),
                Checkpoint = result.GetRequiredValue(checkpoint),
                Classes = result.GetValue(classes) is { } names ? ClassNames.Parse(names) : null,
                NumClasses = result.GetResult(numClasses) is null ? trained?.NumClasses : result.GetValue(numClasses),
                ImageSize = size,
                Overrides = ParseOverrides(trained?.Overrides ?? new Dictionary<string, string>(), result.GetValue(modelOptions) ?? []),
                Options = new ImageClassificationInferencerOptions
                {
                    ResizeScale = result.GetResult(resize) is null ? (int)Math.Round(size * 256.0 / 224) : result.GetValue(resize),
                    CropSize = result.GetResult(crop) is null ? size : result.GetValue(crop),
                    Mean = result.GetValue(mean) is { } m ? OptionValues.ParseNumbers(m, "--mean") : trained?.MeanFor(channels),
                    Std = result.GetValue(std) is { } s ? OptionValues.ParseNumbers(s, "--std") : trained?.StdFor(channels),
                    ReadMode = readMode,
                    BatchSize = result.GetValue(batchSize),
                },
                TopK = result.GetValue(topk),
                JsonPath = result.GetValue(json),
                Device = Device.Parse(result.GetRequiredValue(device)),
                UseEma = result.GetValue(ema),
            };
            return Run(request, result.InvocationConfiguration.Output);
        });
        return command;
    }

    private static int Run(InferRequest request, TextWriter output)
    {
        var classes = request.Classes;
        if (classes is not null && request.NumClasses is { } given && given != classes.Count)
        {
            throw new ArgumentException($"--num-classes {given} does not match the {classes.Count} names of --classes.");
        }
        if (request.Device.Type == DeviceType.CUDA && !torch.cuda.is_available())
        {
            throw new ArgumentException($"--device {request.Device}: CUDA is not available to this libtorch build.");
        }
        var info = ModelRegistry.Get(request.Model);
        // Settings the checkpoint's weights imply (an official CAS-ViT's dist_head) unless given explicitly.
        var overrides = new Dictionary<string, string>(request.Overrides, StringComparer.Ordinal);
        foreach (var (key, value) in PretrainedWeights.ImpliedOverrides(request.Checkpoint))
        {
            overrides.TryAdd(key, value);
        }
        using var model = ModelRegistry.Create(info.Name, request.NumClasses ?? classes?.Count ?? 1000, request.ImageSize, overrides);
        var source = CheckpointWeights.Load(model, request.Checkpoint, request.UseEma, info.PretrainedKeyMap);
        model.to(request.Device);
        var inferencer = new ImageClassificationInferencer(model, request.Options, classes, request.Device);
        return Report(inferencer, request.Inputs, $"{info.Name} with weights from {source}", request.TopK, request.JsonPath, output);
    }

    private static int Report(ImageClassificationInferencer inferencer, IReadOnlyList<string> inputs, string title, int topK, string? jsonPath, TextWriter output)
    {
        var classes = inferencer.Classes;
        // An unreadable file is reported and left out; the others still get their answers.
        var unreadable = new List<string>();
        var results = inferencer.Infer(inputs.SelectMany(ExpandList).ToList(), (_, error) => unreadable.Add(error.Message));
        if (jsonPath is not null)
        {
            var text = JsonSerializer.Serialize(results, JsonOptions);
            if (jsonPath == "-")
            {
                output.WriteLine(text);
                return unreadable.Count == 0 ? 0 : throw Unreadable(unreadable, results.Count);
            }
            File.WriteAllText(jsonPath, text + Environment.NewLine);
        }
        var console = CliConsole.Create(output);
        console.WriteLine($"{title}:");
        string[] columns = ["file", "pred_label", "pred_class", "pred_score"];
        var table = CliConsole.Table(topK > 1 ? [.. columns, $"top-{topK}"] : columns).AlignRight(1, 3);
        foreach (var result in results)
        {
            string[] cells = [result.ImagePath ?? "", N(result.PredLabel), result.PredClass ?? "", Score(result.PredScore)];
            table.AddTextRow(topK > 1 ? [.. cells, TopK(result, topK, classes)] : cells);
        }
        console.Write(table);
        if (jsonPath is not null)
        {
            console.WriteLine($"Wrote {results.Count} results to {jsonPath}.");
        }
        foreach (var message in unreadable)
        {
            console.WriteLine($"unreadable: {message}");
        }
        return unreadable.Count == 0 ? 0 : throw Unreadable(unreadable, results.Count);
    }

    // After the answers for the readable files: the run still fails, so scripts notice what is missing.
    private static InvalidDataException Unreadable(List<string> unreadable, int answered) =>
        new($"{unreadable.Count} of {unreadable.Count + answered} images could not be read: {string.Join("; ", unreadable)}");

    // A .txt input is a list of image paths, relative to the list's folder; anything else the inferencer expands.
    private static IEnumerable<string> ExpandList(string input)
    {
        if (!input.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || !File.Exists(input))
        {
            return [input];
        }
        var folder = Path.GetDirectoryName(input) ?? "";
        var paths = File.ReadLines(input).Select(l => l.Trim()).Where(l => l.Length > 0).Select(l => Path.Combine(folder, l)).ToList();
        return paths.Count > 0 ? paths : throw new InvalidDataException($"The image list {input} holds no paths.");
    }

    private static Dictionary<string, string> ParseOverrides(IReadOnlyDictionary<string, string> configured, IEnumerable<string> pairs)
    {
        var overrides = new Dictionary<string, string>(configured, StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"--model-option '{pair}' is not key=value (e.g. in_channels=1).");
            }
            overrides[pair[..equals].Trim()] = pair[(equals + 1)..].Trim();
        }
        return overrides;
    }

    private static string TopK(ClassificationResult result, int k, IReadOnlyList<string>? classes) =>
        string.Join(", ", result.PredScores
            .Select((score, label) => (Score: score, Label: label))
            .OrderByDescending(c => c.Score).ThenBy(c => c.Label)
            .Take(k)
            .Select(c => $"{classes?[c.Label] ?? N(c.Label)} {Score(c.Score)}"));

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Score(float score) => score.ToString("F4", CultureInfo.InvariantCulture);

    /// <summary>Everything one <c>infer</c> run needs, parsed from the command line.</summary>
    private sealed class InferRequest
    {
        public required IReadOnlyList<string> Inputs { get; init; }

        public required string Model { get; init; }

        public required string Checkpoint { get; init; }

        public IReadOnlyList<string>? Classes { get; init; }

        public int? NumClasses { get; init; }

        public required int ImageSize { get; init; }

        public required IReadOnlyDictionary<string, string> Overrides { get; init; }

        public required ImageClassificationInferencerOptions Options { get; init; }

        public required int TopK { get; init; }

        public string? JsonPath { get; init; }

        public required Device Device { get; init; }

        public required bool UseEma { get; init; }
    }
}
