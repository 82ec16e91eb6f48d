using Vision.Models.Heads;
using Vision.Models.Necks;
using Vision.Models.Registry;
using Vision.Models.Weights;
using Vision.nn;

namespace Vision.Models.Backbones;

/// <summary>
/// ResNet (He et al., 2016) as torchvision builds it (v1.5: a bottleneck's stride sits on its 3×3 convolution), as a
/// backbone: stem (7×7 conv stride 2 → BN → ReLU → 3×3 max pool stride 2) and four stages <c>layer1..layer4</c> of
/// 64/128/256/512 planes with strides 1/2/2/2. Keys equal torchvision's and timm's (<c>conv1</c>, <c>bn1</c>,
/// <c>layer1.0.conv1</c>, …, <c>layer2.0.downsample.0</c>), so their checkpoints load without renaming.
/// </summary>
/// <remarks>
/// Initialisation as torchvision: convolutions kaiming-normal (fan_out, ReLU gain), BatchNorm weight 1 and bias 0,
/// and with <c>zero_init_residual</c> the last BatchNorm weight of every block 0 (each block then starts as the
/// identity). Stage <c>i</c> outputs 64·2^i·expansion channels at stride 4·2^i.
/// </remarks>
public sealed class ResNet : Backbone, IModelFamily
{
    // depth → (bottleneck blocks?, blocks per stage), as torchvision's resnet18…resnet152.
    private static readonly SortedDictionary<int, (bool Bottleneck, int[] Blocks)> ArchSettings = new()
    {
        [18] = (false, [2, 2, 2, 2]),
        [34] = (false, [3, 4, 6, 3]),
        [50] = (true, [3, 4, 6, 3]),
        [101] = (true, [3, 4, 23, 3]),
        [152] = (true, [3, 8, 36, 3]),
    };

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly MaxPool2d maxpool;
    private readonly Sequential[] layers;
    private readonly long[] stageChannels;

    /// <summary>Builds the network.</summary>
    /// <param name="depth">18, 34, 50, 101 or 152.</param>
    /// <param name="out_indices">Stages (0..3) whose outputs to return; default the last.</param>
    /// <param name="frozen_stages">Freeze the stem and stages 0..frozen_stages-1 (-1: nothing).</param>
    /// <param name="zero_init_residual">Zero the last BatchNorm weight of each block.</param>
    /// <param name="drop_path_rate">Stochastic depth, rising linearly over the blocks to this rate (timm's rule).</param>
    /// <param name="in_channels">Channels of the input images.</param>
    public ResNet(int depth, IReadOnlyList<int>? out_indices = null, int frozen_stages = -1, bool zero_init_residual = false,
        double drop_path_rate = 0, long in_channels = 3)
        : base(4, out_indices ?? [3], frozen_stages)
    {
        if (!ArchSettings.TryGetValue(depth, out var arch))
        {
            throw new ArgumentOutOfRangeException(nameof(depth), depth, $"ResNet depth must be one of {string.Join(", ", ArchSettings.Keys)}.");
        }
        if (drop_path_rate is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(drop_path_rate), drop_path_rate, "drop_path_rate must be in [0, 1).");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(in_channels);
        this.depth = depth;
        this.in_channels = in_channels;
        var expansion = arch.Bottleneck ? Bottleneck.expansion : BasicBlock.expansion;
        stageChannels = [64 * expansion, 128 * expansion, 256 * expansion, 512 * expansion];

        conv1 = register_module("conv1", new Conv2d(in_channels, 64, 7, 2, 3, bias: false));
        bn1 = register_module("bn1", new BatchNorm2d(64));
        register_module("relu", new ReLU());
        maxpool = register_module("maxpool", new MaxPool2d(3, 2, 1));

        var totalBlocks = arch.Blocks.Sum();
        var blockIndex = 0;
        long inplanes = 64;
        layers = new Sequential[4];
        for (var stage = 0; stage < 4; stage++)
        {
            var planes = 64L << stage;
            var stride = stage == 0 ? 1 : 2;
            var blocks = new Sequential();
            for (var b = 0; b < arch.Blocks[stage]; b++)
            {
                var blockStride = b == 0 ? stride : 1;
                // The shortcut needs a projection where the block changes resolution or width.
                var downsample = blockStride != 1 || inplanes != planes * expansion
                    ? new Sequential(new Conv2d(inplanes, planes * expansion, 1, blockStride, bias: false), new BatchNorm2d(planes * expansion))
                    : null;
                var dropPath = totalBlocks > 1 ? drop_path_rate * blockIndex / (totalBlocks - 1) : drop_path_rate;
                blocks.append(arch.Bottleneck
                    ? new Bottleneck(inplanes, planes, blockStride, downsample, dropPath)
                    : new BasicBlock(inplanes, planes, blockStride, downsample, dropPath));
                inplanes = planes * expansion;
                blockIndex++;
            }
            layers[stage] = register_module($"layer{stage + 1}", blocks);
        }

        InitWeights(zero_init_residual);
        FreezeStages();
    }

    /// <summary>The depth (18, 34, 50, 101 or 152).</summary>
    public int depth { get; }

    /// <summary>Channels of the input images.</summary>
    public long in_channels { get; }

    /// <summary>The depths this backbone supports.</summary>
    public static IReadOnlyCollection<int> depths => ArchSettings.Keys;

    /// <inheritdoc />
    public override IReadOnlyList<long> out_channels => out_indices.Select(i => stageChannels[i]).ToArray();

    /// <inheritdoc />
    public override Tensor[] forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.dim() != 4 || input.size(1) != in_channels)
        {
            throw new ArgumentException($"ResNet-{depth} expects images of shape (N, {in_channels}, H, W), got [{string.Join(", ", input.shape)}].", nameof(input));
        }
        using var scope = torch.NewDisposeScope();
        var x = maxpool.forward(bn1.forward(conv1.forward(input)).relu_());
        var stageOutputs = new Tensor[4];
        // Stages after the last requested output would be computed for nothing.
        var last = out_indices.Max();
        for (var stage = 0; stage <= last; stage++)
        {
            x = stageOutputs[stage] = layers[stage].forward(x);
        }
        var moved = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        return out_indices.Select(i => stageOutputs[i]).Select(t => moved.Add(t) ? t.MoveToOuterDisposeScope() : t).ToArray();
    }

    /// <summary>The residual join shared by <see cref="BasicBlock"/> and <see cref="Bottleneck"/>: relu(drop_path(residual) + shortcut(input)).</summary>
    internal static Tensor AddShortcut(Tensor residual, Tensor input, Sequential? downsample, DropPath? dropPath)
    {
        if (dropPath is not null)
        {
            residual = dropPath.forward(residual);
        }
        var shortcut = downsample?.forward(input) ?? input;
        return residual.add_(shortcut).relu_();
    }

    /// <inheritdoc />
    protected override IEnumerable<Module> FrozenModules()
    {
        if (frozen_stages < 0)
        {
            yield break;
        }
        yield return conv1;
        yield return bn1;
        for (var stage = 0; stage < frozen_stages; stage++)
        {
            yield return layers[stage];
        }
    }

    private void InitWeights(bool zeroInitResidual)
    {
        foreach (var module in modules())
        {
            if (module is Conv2d conv)
            {
                init.kaiming_normal_(conv.weight, mode: "fan_out", nonlinearity: "relu");
            }
            else if (module is BatchNorm2d bn)
            {
                init.ones_(bn.weight!);
                init.zeros_(bn.bias!);
            }
        }
        if (!zeroInitResidual)
        {
            return;
        }
        // After the pass above, which would otherwise set these weights back to one.
        foreach (var module in modules())
        {
            var lastNorm = module switch
            {
                Bottleneck block => block.bn3,
                BasicBlock block => block.bn2,
                _ => null,
            };
            if (lastNorm is not null)
            {
                init.zeros_(lastNorm.weight!);
            }
        }
    }

    /// <summary>
    /// Registers resnet18…resnet152 as <see cref="ImageClassifier"/>s: this backbone → <see cref="GlobalAveragePooling"/> →
    /// <see cref="LinearClsHead"/> (DropRate is the head's dropout, DropPathRate the blocks' stochastic depth). Overrides:
    /// <c>out_indices</c> (e.g. "0,1,2,3"), <c>frozen_stages</c>, <c>zero_init_residual</c>, <c>in_channels</c>.
    /// torchvision/timm checkpoints load with <see cref="KeyMaps.TorchvisionResNet"/>.
    /// </summary>
    static void IModelFamily.RegisterModels()
    {
        foreach (var depth in ArchSettings.Keys)
        {
            var blocks = ArchSettings[depth];
            ModelRegistry.Register(new ModelInfo($"resnet{depth}", options => Build(depth, options),
                $"ResNet-{depth} (torchvision v1.5, {(blocks.Bottleneck ? "bottleneck" : "basic")} blocks {string.Join("-", blocks.Blocks)})")
            {
                PretrainedKeyMap = KeyMaps.TorchvisionResNet,
            });
        }
    }

    private static ImageClassifier Build(int depth, ModelOptions options)
    {
        var backbone = new ResNet(depth,
            out_indices: options.GetInts("out_indices"),
            frozen_stages: (int)options.GetInt("frozen_stages", -1),
            zero_init_residual: options.GetBool("zero_init_residual", false),
            drop_path_rate: options.DropPathRate,
            in_channels: options.GetInt("in_channels", 3));
        return new ImageClassifier(backbone, new GlobalAveragePooling(), new LinearClsHead(options.NumClasses, backbone.out_channels[^1], options.DropRate), options.Loss);
    }
}
