namespace Vision.Tests.Reference;

/// <summary>PyTorch scripts that produce checkpoints in MMPreTrain's key layout, for tests of Vision's key maps.</summary>
public static class MMPreTrainReference
{
    /// <summary>
    /// Python defining <c>Classifier(img, patch, dim, depth, heads, mlp, classes)</c>: a ViT whose module tree is named
    /// as MMPreTrain names its ImageClassifier (<c>backbone.patch_embed.projection</c>, <c>backbone.layers.N.ln1</c>,
    /// <c>attn.qkv</c>, <c>attn.proj</c>, <c>ln2</c>, <c>ffn.layers.0.0</c>, <c>ffn.layers.1</c>, final <c>backbone.ln1</c>,
    /// <c>head.layers.head</c>), so its <c>state_dict()</c> has MMPreTrain's keys without MMPreTrain installed. The forward
    /// is the ViT paper's (pre-norm blocks, exact GELU, LayerNorm eps 1e-6, class-token output), written independently.
    /// </summary>
    public const string ViTClassifierScript = """
        class Attn(torch.nn.Module):
            def __init__(s, d, h):
                super().__init__(); s.h = h; s.qkv = torch.nn.Linear(d, 3 * d); s.proj = torch.nn.Linear(d, d)
            def forward(s, x):
                n, t, d = x.shape
                q, k, v = s.qkv(x).reshape(n, t, 3, s.h, d // s.h).permute(2, 0, 3, 1, 4)
                a = (q @ k.transpose(-2, -1) * (d // s.h) ** -0.5).softmax(-1)
                return s.proj((a @ v).transpose(1, 2).reshape(n, t, d))
        class Ffn(torch.nn.Module):
            def __init__(s, d, m):
                super().__init__()
                s.layers = torch.nn.Sequential(torch.nn.Sequential(torch.nn.Linear(d, m), torch.nn.GELU(), torch.nn.Dropout(0.0)), torch.nn.Linear(m, d), torch.nn.Dropout(0.0))
            def forward(s, x):
                return s.layers(x)
        class Layer(torch.nn.Module):
            def __init__(s, d, h, m):
                super().__init__(); s.ln1 = torch.nn.LayerNorm(d, eps=1e-6); s.attn = Attn(d, h); s.ln2 = torch.nn.LayerNorm(d, eps=1e-6); s.ffn = Ffn(d, m)
            def forward(s, x):
                x = x + s.attn(s.ln1(x))
                return x + s.ffn(s.ln2(x))
        class PatchEmbed(torch.nn.Module):
            def __init__(s, p, d):
                super().__init__(); s.projection = torch.nn.Conv2d(3, d, p, stride=p)
        class Backbone(torch.nn.Module):
            def __init__(s, img, p, d, depth, h, m):
                super().__init__()
                s.patch_embed = PatchEmbed(p, d)
                s.cls_token = torch.nn.Parameter(torch.randn(1, 1, d) * 0.02)
                s.pos_embed = torch.nn.Parameter(torch.randn(1, 1 + (img // p) ** 2, d) * 0.02)
                s.layers = torch.nn.ModuleList([Layer(d, h, m) for _ in range(depth)])
                s.ln1 = torch.nn.LayerNorm(d, eps=1e-6)
            def forward(s, x):
                x = s.patch_embed.projection(x).flatten(2).transpose(1, 2)
                x = torch.cat([s.cls_token.expand(x.shape[0], -1, -1), x], 1) + s.pos_embed
                for layer in s.layers:
                    x = layer(x)
                return s.ln1(x)[:, 0]
        class Head(torch.nn.Module):
            def __init__(s, d, c):
                super().__init__(); s.layers = torch.nn.Sequential(); s.layers.add_module("head", torch.nn.Linear(d, c))
        class Classifier(torch.nn.Module):
            def __init__(s, img, p, d, depth, h, m, c):
                super().__init__(); s.backbone = Backbone(img, p, d, depth, h, m); s.head = Head(d, c)
            def forward(s, x):
                return s.head.layers(s.backbone(x))
        """;
}
