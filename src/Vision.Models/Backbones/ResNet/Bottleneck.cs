using Vision.nn;

namespace Vision.Models.Backbones;

/// <summary>
/// ResNet-50/101/152's residual block in torchvision's v1.5 form: 1×1 conv → BN → ReLU → 3×3 conv carrying the stride
/// → BN → ReLU → 1×1 conv to 4·planes → BN, plus the shortcut, then ReLU. Keys as torchvision: <c>conv1..3</c>,
/// <c>bn1..3</c>, <c>downsample.0/1</c>.
/// </summary>
public sealed class Bottleneck : Module<Tensor, Tensor>
{
    /// <summary>Output channels per <c>planes</c>.</summary>
    public const int expansion = 4;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Conv2d conv3;
    private readonly Sequential? downsample;
    private readonly DropPath? drop_path;

    /// <summary>Creates the block.</summary>
    /// <param name="inplanes">Input channels.</param>
    /// <param name="planes">Width of the 3×3 convolution; the block outputs <see cref="expansion"/>·planes channels.</param>
    /// <param name="stride">Stride of the 3×3 convolution.</param>
    /// <param name="downsample">The shortcut projection (1×1 conv + BN), or null for the identity.</param>
    /// <param name="drop_path_rate">Stochastic-depth probability for the residual branch (0: none).</param>
    public Bottleneck(long inplanes, long planes, long stride = 1, Sequential? downsample = null, double drop_path_rate = 0)
    {
        conv1 = register_module("conv1", new Conv2d(inplanes, planes, 1, bias: false));
        bn1 = register_module("bn1", new BatchNorm2d(planes));
        conv2 = register_module("conv2", new Conv2d(planes, planes, 3, stride, 1, bias: false));
        bn2 = register_module("bn2", new BatchNorm2d(planes));
        conv3 = register_module("conv3", new Conv2d(planes, planes * expansion, 1, bias: false));
        bn3 = register_module("bn3", new BatchNorm2d(planes * expansion));
        register_module("relu", new ReLU());
        this.downsample = downsample is null ? null : register_module("downsample", downsample);
        drop_path = drop_path_rate > 0 ? register_module("drop_path", new DropPath(drop_path_rate)) : null;
    }

    /// <summary>The last BatchNorm of the residual branch (zeroed by <c>zero_init_residual</c>).</summary>
    public BatchNorm2d bn3 { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = bn1.forward(conv1.forward(input)).relu_();
        x = bn2.forward(conv2.forward(x)).relu_();
        x = bn3.forward(conv3.forward(x));
        return ResNet.AddShortcut(x, input, downsample, drop_path).MoveToOuterDisposeScope();
    }
}
