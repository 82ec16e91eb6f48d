"""CAS-ViT (Zhang et al., arXiv 2408.03703; the official RCViT) in plain PyTorch, for benchmarks and parity tests.

Written from the published design (the official repository Tianfang-Zhang/CAS-ViT, classification/model/rcvit.py),
not from Vision's C#, so that comparing the two is a real cross-check. Module and parameter names follow the official
module tree, so ``state_dict()`` keys are the official checkpoint keys (``patch_embed.*``, ``network.*``, ``norm``,
``head``, ``dist_head``) that Vision's ``CasViT.OfficialKeyMap`` maps. Needs only torch (no timm).

    model = casvit.create("xs", num_classes=1000, distillation=False)

Counting parameters (``python3 benchmarks/pytorch/casvit.py``) prints each variant's total with and without the
distillation head; the published sizes (3.20M, 5.76M, 12.42M, 21.76M) include it.
"""
import torch
import torch.nn as nn

# depths, widths per stage: the official rcvit_xs/s/m/t.
ARCHS = {
    "xs": ((2, 2, 4, 2), (48, 56, 112, 220)),
    "s": ((3, 3, 6, 3), (48, 64, 128, 256)),
    "m": ((3, 3, 6, 3), (64, 96, 192, 384)),
    "t": ((3, 3, 6, 3), (96, 128, 256, 512)),
}


def dw3x3(dim):
    """Depthwise 3x3 convolution with bias, size-preserving."""
    return nn.Conv2d(dim, dim, 3, padding=1, groups=dim)


class DropPath(nn.Module):
    """Stochastic depth per sample; kept values are scaled by 1 / keep so the expectation is unchanged."""

    def __init__(self, p=0.0):
        super().__init__()
        self.p = p

    def forward(self, x):
        if self.p == 0.0 or not self.training:
            return x
        keep = 1.0 - self.p
        mask = x.new_empty((x.shape[0],) + (1,) * (x.dim() - 1)).bernoulli_(keep)
        return x * mask / keep


def stem(in_chans, dim):
    """Stride-4 stem: two stride-2 3x3 convs (bias), each followed by BN and ReLU; the first has half the width."""
    return nn.Sequential(
        nn.Conv2d(in_chans, dim // 2, 3, stride=2, padding=1), nn.BatchNorm2d(dim // 2), nn.ReLU(),
        nn.Conv2d(dim // 2, dim, 3, stride=2, padding=1), nn.BatchNorm2d(dim), nn.ReLU())


class Embedding(nn.Module):
    """Downsampler between stages: conv3x3 stride 2 (bias) to the next width, then BN, no activation."""

    def __init__(self, in_chans, embed_dim):
        super().__init__()
        self.proj = nn.Conv2d(in_chans, embed_dim, 3, stride=2, padding=1)
        self.norm = nn.BatchNorm2d(embed_dim)

    def forward(self, x):
        return self.norm(self.proj(x))


class Mlp(nn.Module):
    """Per-pixel MLP as 1x1 convolutions: d → hidden → d, GELU, dropout after the activation and the output."""

    def __init__(self, dim, hidden, drop=0.0):
        super().__init__()
        self.fc1 = nn.Conv2d(dim, hidden, 1)
        self.act = nn.GELU()
        self.fc2 = nn.Conv2d(hidden, dim, 1)
        self.drop = nn.Dropout(drop)

    def forward(self, x):
        return self.drop(self.fc2(self.drop(self.act(self.fc1(x)))))


class SpatialOperation(nn.Module):
    """x · σ(one gate per pixel): depthwise 3x3 → BN → ReLU → 1x1 to a single channel (no bias)."""

    def __init__(self, dim):
        super().__init__()
        self.block = nn.Sequential(dw3x3(dim), nn.BatchNorm2d(dim), nn.ReLU(inplace=True),
                                   nn.Conv2d(dim, 1, 1, bias=False), nn.Sigmoid())

    def forward(self, x):
        return x * self.block(x)


class ChannelOperation(nn.Module):
    """x · σ(one gate per channel): global average pool → 1x1 d→d (no bias)."""

    def __init__(self, dim):
        super().__init__()
        self.block = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(dim, dim, 1, bias=False), nn.Sigmoid())

    def forward(self, x):
        return x * self.block(x)


class LocalIntegration(nn.Module):
    """Convolutional local branch: 1x1 (bias) → BN → depthwise 3x3 (bias) → GELU → 1x1 (bias)."""

    def __init__(self, dim):
        super().__init__()
        self.network = nn.Sequential(nn.Conv2d(dim, dim, 1), nn.BatchNorm2d(dim), dw3x3(dim), nn.GELU(),
                                     nn.Conv2d(dim, dim, 1))

    def forward(self, x):
        return self.network(x)


class AdditiveTokenMixer(nn.Module):
    """CATM: q, k, v from one bias-free 1x1 conv; out = proj(dwc(Φ(q) + Ψ(k)) ⊙ v). Linear in the token count."""

    def __init__(self, dim, proj_drop=0.0):
        super().__init__()
        self.qkv = nn.Conv2d(dim, 3 * dim, 1, bias=False)
        self.oper_q = nn.Sequential(SpatialOperation(dim), ChannelOperation(dim))
        self.oper_k = nn.Sequential(SpatialOperation(dim), ChannelOperation(dim))
        self.dwc = dw3x3(dim)
        self.proj = dw3x3(dim)
        self.proj_drop = nn.Dropout(proj_drop)

    def forward(self, x):
        q, k, v = self.qkv(x).chunk(3, dim=1)
        return self.proj_drop(self.proj(self.dwc(self.oper_q(q) + self.oper_k(k)) * v))


class AdditiveBlock(nn.Module):
    """x += local(x); x += DropPath(CATM(BN(x))); x += DropPath(MLP(BN(x))). The local branch has no drop path."""

    def __init__(self, dim, mlp_ratio=4.0, drop=0.0, drop_path=0.0):
        super().__init__()
        self.local_perception = LocalIntegration(dim)
        self.norm1 = nn.BatchNorm2d(dim)
        self.attn = AdditiveTokenMixer(dim, proj_drop=drop)
        self.drop_path = DropPath(drop_path)
        self.norm2 = nn.BatchNorm2d(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio), drop)

    def forward(self, x):
        x = x + self.local_perception(x)
        x = x + self.drop_path(self.attn(self.norm1(x)))
        return x + self.drop_path(self.mlp(self.norm2(x)))


class RCViT(nn.Module):
    """The CAS-ViT classifier. In training with distillation it returns (head, dist_head) logits, in eval their mean."""

    def __init__(self, depths, widths, num_classes=1000, mlp_ratio=4.0, drop_rate=0.0, drop_path_rate=0.0,
                 distillation=True, in_chans=3):
        super().__init__()
        self.patch_embed = stem(in_chans, widths[0])
        total = sum(depths)
        stages = []
        for i, (depth, width) in enumerate(zip(depths, widths)):
            if i > 0:
                stages.append(Embedding(widths[i - 1], width))
            first = sum(depths[:i])
            # The rate grows linearly with the block's index over all stages, reaching drop_path_rate at the last.
            stages.append(nn.Sequential(*[
                AdditiveBlock(width, mlp_ratio, drop_rate, drop_path_rate * (first + j) / max(total - 1, 1))
                for j in range(depth)]))
        self.network = nn.ModuleList(stages)
        self.norm = nn.BatchNorm2d(widths[-1])
        self.head = nn.Linear(widths[-1], num_classes)
        self.dist_head = nn.Linear(widths[-1], num_classes) if distillation else None
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                nn.init.zeros_(m.bias)

    def forward_features(self, x):
        x = self.patch_embed(x)
        for module in self.network:
            x = module(x)
        return x

    def forward(self, x):
        pooled = self.norm(self.forward_features(x)).mean(dim=(2, 3))
        logits = self.head(pooled)
        if self.dist_head is None:
            return logits
        dist = self.dist_head(pooled)
        return (logits, dist) if self.training else (logits + dist) / 2


def create(arch, num_classes=1000, distillation=True, **kwargs):
    """rcvit_{arch} for arch in xs, s, m, t; keyword arguments go to RCViT (drop_path_rate, drop_rate, ...)."""
    depths, widths = ARCHS[arch]
    return RCViT(depths, widths, num_classes=num_classes, distillation=distillation, **kwargs)


if __name__ == "__main__":
    for arch in ARCHS:
        counts = [sum(p.numel() for p in create(arch, distillation=d).parameters()) for d in (True, False)]
        print(f"rcvit_{arch}: {counts[0]:,} parameters with dist_head, {counts[1]:,} without")
