using System.Text.Json;
using Vision.Engine.Tests.Training;
using Vision.Engine.Visualization.Cam;
using Vision.Models;
using Vision.Models.Registry;
using Vision.Serialization;
using Vision.TestUtilities;
using Vision.Tests.Reference;
using Xunit.Abstractions;

namespace Vision.Engine.Tests.Visualization;

/// <summary>
/// Grad-CAM and Grad-CAM++ maps against an independent PyTorch computation of the same formulas on the same weights:
/// the model is saved to safetensors, loaded into torchvision's ResNet-18 / VisionTransformer or the CAS-ViT of
/// benchmarks/pytorch/casvit.py (an independent transcription of the official RCViT), the target layer's
/// output and gradient are taken with a forward hook and <c>retain_grad</c>, and the maps are computed there.
/// The models are initialised and perturbed from the global generator, so the class runs apart from the parallel tests.
/// </summary>
[Collection(TrainerCollection.Name)]
public sealed class GradCamPyTorchTests : IDisposable
{
    private const double Tolerance = 1e-4;

    // Reads a safetensors file with the standard library and numpy (Debian has no python3-safetensors).
    private const string LoadSafetensors = """
import struct, re
def load_safetensors(path):
    raw = open(path, 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    types = {'F32': np.float32, 'I64': np.int64}
    tensors = {}
    for key, info in header.items():
        if key == '__metadata__':
            continue
        start, end = info['data_offsets']
        data = np.frombuffer(raw[8 + n + start:8 + n + end], dtype=types[info['dtype']]).reshape(info['shape'])
        tensors[key] = torch.from_numpy(data.copy())
    return tensors

def cams(model, layer, x, targets, tokens):
    seen = {}
    def keep(module, args, output):
        output.retain_grad()
        seen['a'] = output
    handle = layer.register_forward_hook(keep)
    logits = model(x)
    handle.remove()
    logits.gather(1, targets.view(-1, 1)).sum().backward()
    a, g = seen['a'].detach(), seen['a'].grad
    if tokens:
        n, t, d = a.shape
        side = int(round((t - 1) ** 0.5))
        a = a[:, 1:, :].reshape(n, side, side, d).permute(0, 3, 1, 2)
        g = g[:, 1:, :].reshape(n, side, side, d).permute(0, 3, 1, 2)
    result = {'pred': logits.argmax(1)}
    g2 = g ** 2
    g3 = g2 * g
    alpha = g2 / (2 * g2 + a.sum(dim=(2, 3), keepdim=True) * g3 + 1e-6)
    alpha = torch.where(g != 0, alpha, torch.zeros_like(alpha))
    weights = {'gradcam': g.mean(dim=(2, 3), keepdim=True), 'gradcam++': (torch.relu(g) * alpha).sum(dim=(2, 3), keepdim=True)}
    for name, w in weights.items():
        m = torch.relu((w * a).sum(1))
        up = F.interpolate(m.unsqueeze(1), size=x.shape[2:], mode='bilinear', align_corners=False).squeeze(1)
        up = up - up.amin(dim=(1, 2), keepdim=True)
        up = up / (up.amax(dim=(1, 2), keepdim=True) + 1e-7)
        result[name] = m
        result[name + '_up'] = up
    return result

""";

    private readonly string directory = Directory.CreateTempSubdirectory("vision-gradcam-").FullName;
    private readonly ITestOutputHelper output;

    public GradCamPyTorchTests(ITestOutputHelper output) => this.output = output;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [SkippableFact]
    public void ResNetMapsMatchPyTorchOnTheSameWeights()
    {
        TorchReference.Require();
        torch.manual_seed(0);
        using var model = ModelRegistry.Create("resnet18", num_classes: 5, img_size: 64);
        Perturb(model);
        var weights = Path.Combine(directory, "resnet18.safetensors");
        model.save(weights);
        var x = RandomImages(3, 64);

        var r = TorchReference.Run(LoadSafetensors + $$"""
state = {k.replace('backbone.', '', 1).replace('head.fc.', 'fc.'): v for k, v in load_safetensors({{JsonSerializer.Serialize(weights)}}).items()}
m = torchvision.models.resnet18(num_classes=5)
missing, unexpected = m.load_state_dict(state, strict=False)
assert all(k.endswith('num_batches_tracked') for k in missing) and not unexpected, (missing, unexpected)
m.eval()
out.update(cams(m, m.layer4, inp['x'], torch.tensor([0, 3, 4]), tokens=False))
""", new Dictionary<string, Tensor> { ["x"] = x });

        AssertMaps(r, model, "backbone.layer4", x, [0, 3, 4], expectedSide: 2);
    }

    [SkippableFact]
    public void CasViTMapsMatchTheOfficialDesignInPyTorchOnTheSameWeights()
    {
        TorchReference.Require();
        torch.manual_seed(0);
        using var model = ModelRegistry.Create("cas-vit-xs", num_classes: 5, img_size: 64);
        Perturb(model);
        // The classifier's initial weights (std 0.02) give near-equal logits and maps of ~1e-4; scaled up, the classes
        // differ and the maps are large enough for the comparison to mean something.
        using (torch.no_grad())
        {
            model.named_parameters().Single(p => p.name == "head.head.weight").parameter.mul_(100);
        }
        var weights = Path.Combine(directory, "casvit.safetensors");
        model.save(weights);
        var x = RandomImages(3, 64);
        // At 64 px the default layer is the second stage (8×8; the last stage's map is 2×2).
        Assert.Equal("backbone.network.2", GradCam.DefaultTargetLayer(model, 64));

        var r = TorchReference.Run(LoadSafetensors + $$"""
import os
sys.path.insert(0, os.path.join({{JsonSerializer.Serialize(RepositoryPaths.Root)}}, "benchmarks", "pytorch"))
import casvit
# Vision's keys are the official ones under "backbone." or "head.".
state = {k.split('.', 1)[1]: v for k, v in load_safetensors({{JsonSerializer.Serialize(weights)}}).items()}
m = casvit.create("xs", num_classes=5, distillation=False, drop_path_rate=0.0)
missing, unexpected = m.load_state_dict(state, strict=False)
assert all(k.endswith('num_batches_tracked') for k in missing) and not unexpected, (missing, unexpected)
m.eval()
out.update(cams(m, m.network[2], inp['x'], torch.tensor([4, 1, 0]), tokens=False))
""", new Dictionary<string, Tensor> { ["x"] = x });

        // Grad-CAM only: on these weights Grad-CAM++'s denominator 2g² + ΣA·g³ nears zero for some channels, so the
        // last-bit differences of another thread count or kernel order grow to 1e-3 (with a smaller head the
        // Grad-CAM++ maps are all zero instead); its formula is checked on ResNet and ViT above.
        AssertMaps(r, model, "backbone.network.2", x, [4, 1, 0], expectedSide: 8, [(CamMethod.GradCam, "gradcam")]);
    }

    [SkippableFact]
    public void VisionTransformerMapsSkipTheClassTokenAndMatchPyTorchOnTheSameWeights()
    {
        TorchReference.Require();
        torch.manual_seed(0);
        using var model = ModelRegistry.Create("vit-tiny-p16", num_classes: 5, img_size: 64);
        Perturb(model);
        var weights = Path.Combine(directory, "vit.safetensors");
        model.save(weights);
        var x = RandomImages(2, 64);
        var depth = ((Vision.Models.Backbones.VisionTransformer)model.backbone).blocks.Count;

        var r = TorchReference.Run(LoadSafetensors + $$"""
def torchvision_key(key):
    key = key[len('backbone.'):] if key.startswith('backbone.') else key
    block = re.match(r'blocks\.(\d+)\.(.*)', key)
    if block:
        rest = block.group(2)
        for ours, theirs in [('norm1.', 'ln_1.'), ('norm2.', 'ln_2.'), ('attn.qkv.weight', 'self_attention.in_proj_weight'),
                             ('attn.qkv.bias', 'self_attention.in_proj_bias'), ('attn.proj.', 'self_attention.out_proj.'),
                             ('mlp.fc1.', 'mlp.0.'), ('mlp.fc2.', 'mlp.3.')]:
            rest = rest.replace(ours, theirs)
        return 'encoder.layers.encoder_layer_' + block.group(1) + '.' + rest
    return {'patch_embed.proj.weight': 'conv_proj.weight', 'patch_embed.proj.bias': 'conv_proj.bias', 'cls_token': 'class_token',
            'pos_embed': 'encoder.pos_embedding', 'norm.weight': 'encoder.ln.weight', 'norm.bias': 'encoder.ln.bias',
            'head.layers.head.weight': 'heads.head.weight', 'head.layers.head.bias': 'heads.head.bias'}[key]
state = {torchvision_key(k): v for k, v in load_safetensors({{JsonSerializer.Serialize(weights)}}).items()}
m = torchvision.models.VisionTransformer(image_size=64, patch_size=16, num_layers={{depth}}, num_heads=3, hidden_dim=192, mlp_dim=768, num_classes=5)
m.load_state_dict(state, strict=True)
m.eval()
out.update(cams(m, m.encoder.layers[-1].ln_1, inp['x'], torch.tensor([1, 2]), tokens=True))
""", new Dictionary<string, Tensor> { ["x"] = x });

        AssertMaps(r, model, $"backbone.blocks.{depth - 1}.norm1", x, [1, 2], expectedSide: 4);
    }

    private void AssertMaps(JsonElement reference, ImageClassifier model, string layer, Tensor x, int[] targets, int expectedSide,
        (CamMethod Method, string Name)[]? methods = null)
    {
        foreach (var (method, name) in methods ?? [(CamMethod.GradCam, "gradcam"), (CamMethod.GradCamPlusPlus, "gradcam++")])
        {
            using var result = new GradCam(model, layer, method, imageSize: x.size(2)).Compute(x, targets);
            Assert.Equal([x.size(0), expectedSide, expectedSide], result.Maps.shape);
            var maps = result.Maps.reshape(-1).data<float>().ToArray();
            var expected = TorchReference.Doubles(reference.GetProperty(name));
            // The maps must not be all zero, or the comparison would prove nothing.
            Assert.True(expected.Max() > 1e-3, $"{name}: the reference map is empty");
            // Relative to the map's peak: ViT maps are small (~1e-3), an absolute 1e-4 would let much through.
            var scale = expected.Max();
            Assert.All(maps.Zip(expected), p => Assert.True(Math.Abs(p.First - p.Second) <= Tolerance * scale, $"{name}: {p.First} vs {p.Second}"));
            var heatmaps = result.Heatmaps.reshape(-1).data<float>().ToArray();
            var expectedHeatmaps = TorchReference.Doubles(reference.GetProperty(name + "_up"));
            Assert.All(heatmaps.Zip(expectedHeatmaps), p => Assert.True(Math.Abs(p.First - p.Second) <= Tolerance, $"{name} heatmap: {p.First} vs {p.Second}"));
            output.WriteLine($"{layer} {name}: max |map − PyTorch| = {maps.Zip(expected).Max(p => Math.Abs(p.First - p.Second)):G3} (map max {expected.Max():G3}), " +
                $"heatmap {heatmaps.Zip(expectedHeatmaps).Max(p => Math.Abs(p.First - p.Second)):G3}");
            Assert.Equal(reference.GetProperty("pred").EnumerateArray().Select(e => e.GetInt32()), result.Predictions);
            Assert.Equal(targets, result.TargetClasses);
        }
    }

    private static Tensor RandomImages(int n, long size)
    {
        torch.manual_seed(7);
        return torch.randn(n, 3, size, size);
    }

    // Moves every weight and BatchNorm statistic off its initial value (by ~10 %, keeping the activations' scale), so a
    // mixed-up tensor would show in the maps.
    private static void Perturb(ImageClassifier model)
    {
        torch.manual_seed(3);
        using var noGrad = torch.no_grad();
        var tensors = model.named_parameters().Select(p => (Name: p.name, Tensor: p.parameter))
            .Concat(model.named_buffers().Select(b => (Name: b.name, Tensor: b.buffer)))
            .Where(t => t.Tensor.dtype == torch.float32);
        foreach (var (name, tensor) in tensors)
        {
            tensor.copy_(name.EndsWith("running_var", StringComparison.Ordinal)
                ? torch.rand(tensor.shape).add(0.5)
                : tensor.mul(torch.randn(tensor.shape).mul(0.1).add(1)).add(torch.randn(tensor.shape).mul(0.01)));
        }
    }
}
