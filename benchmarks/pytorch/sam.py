"""Segment Anything (Kirillov et al., 2023) in plain PyTorch, for Vision's parity tests and benchmarks.

Written from the published design (the paper and the module tree of facebookresearch/segment-anything), not from
Vision's C#, so that comparing the two is a real cross-check. Module and parameter names follow the official model,
so ``state_dict()`` keys are the official checkpoint keys (``image_encoder.*``, ``prompt_encoder.*``,
``mask_decoder.*``). Needs torch, torchvision (NMS), numpy and (for small-region removal) scipy.

    model = sam.build(sam.CONFIGS["vit_b"])
    predictor = sam.Predictor(model); predictor.set_image(rgb_uint8_hwc)
    masks, ious, low_res = predictor.predict(points=[[x, y]], labels=[1])
    annotations = sam.Generator(model, points_per_side=8).generate(rgb_uint8_hwc)

Images are resized through the tensor path (bilinear with antialiasing on the float image, as the official
``set_torch_image`` / ``apply_image_torch``), which Vision implements too.

``python3 benchmarks/pytorch/sam.py`` prints the parameter counts; ``... bench [--model vit_b] [--threads 2]
[--repeats 5]`` times set_image and predict at 1024 px (see benchmarks/README.md).
"""
import math
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

_BASE = dict(image_size=1024, patch=16, window=14, mlp_ratio=4.0, prompt_dim=256, mask_in=16,
             dec_depth=2, dec_mlp=2048, dec_heads=8, multimask=3, iou_depth=3, iou_hidden=256)
CONFIGS = {
    "vit_b": dict(_BASE, dim=768, depth=12, heads=12, global_idx=(2, 5, 8, 11)),
    "vit_l": dict(_BASE, dim=1024, depth=24, heads=16, global_idx=(5, 11, 17, 23)),
    "vit_h": dict(_BASE, dim=1280, depth=32, heads=16, global_idx=(7, 15, 23, 31)),
}


class LayerNorm2d(nn.Module):
    def __init__(self, c, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(c))
        self.bias = nn.Parameter(torch.zeros(c))
        self.eps = eps

    def forward(self, x):
        mu = x.mean(1, keepdim=True)
        var = (x - mu).pow(2).mean(1, keepdim=True)
        return self.weight[:, None, None] * ((x - mu) / torch.sqrt(var + self.eps)) + self.bias[:, None, None]


class MLPBlock(nn.Module):
    def __init__(self, d, hidden, act=nn.GELU):
        super().__init__()
        self.lin1 = nn.Linear(d, hidden)
        self.lin2 = nn.Linear(hidden, d)
        self.act = act()

    def forward(self, x):
        return self.lin2(self.act(self.lin1(x)))


class PatchEmbed(nn.Module):
    def __init__(self, patch, dim):
        super().__init__()
        self.proj = nn.Conv2d(3, dim, patch, stride=patch)

    def forward(self, x):
        return self.proj(x).permute(0, 2, 3, 1)


def rel_table(table, n):
    """Rows of the (2n-1, C) table for every query/key offset: (n, n, C)."""
    idx = torch.arange(n)[:, None] - torch.arange(n)[None, :] + (n - 1)
    return table[idx]


class EncoderAttention(nn.Module):
    def __init__(self, dim, heads, size):
        super().__init__()
        self.heads = heads
        hd = dim // heads
        self.scale = hd ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.rel_pos_h = nn.Parameter(torch.zeros(2 * size[0] - 1, hd))
        self.rel_pos_w = nn.Parameter(torch.zeros(2 * size[1] - 1, hd))

    def forward(self, x):
        B, H, W, _ = x.shape
        qkv = self.qkv(x).reshape(B, H * W, 3, self.heads, -1).permute(2, 0, 3, 1, 4).reshape(3, B * self.heads, H * W, -1)
        q, k, v = qkv.unbind(0)
        attn = (q * self.scale) @ k.transpose(-2, -1)
        rq = q.reshape(B * self.heads, H, W, -1)
        rel_h = torch.einsum("bhwc,hkc->bhwk", rq, rel_table(self.rel_pos_h, H))
        rel_w = torch.einsum("bhwc,wkc->bhwk", rq, rel_table(self.rel_pos_w, W))
        attn = (attn.view(B * self.heads, H, W, H, W) + rel_h[:, :, :, :, None] + rel_w[:, :, :, None, :]).view(B * self.heads, H * W, H * W)
        out = (attn.softmax(dim=-1) @ v).view(B, self.heads, H, W, -1).permute(0, 2, 3, 1, 4).reshape(B, H, W, -1)
        return self.proj(out)


class EncoderBlock(nn.Module):
    def __init__(self, dim, heads, mlp_ratio, window, grid):
        super().__init__()
        self.window = window
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = EncoderAttention(dim, heads, (window, window) if window > 0 else grid)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = MLPBlock(dim, int(dim * mlp_ratio))

    def forward(self, x):
        shortcut = x
        x = self.norm1(x)
        if self.window > 0:
            B, H, W, C = x.shape
            ws = self.window
            ph, pw = (ws - H % ws) % ws, (ws - W % ws) % ws
            x = F.pad(x, (0, 0, 0, pw, 0, ph))
            Hp, Wp = H + ph, W + pw
            x = x.view(B, Hp // ws, ws, Wp // ws, ws, C).permute(0, 1, 3, 2, 4, 5).reshape(-1, ws, ws, C)
            x = self.attn(x)
            x = x.view(B, Hp // ws, Wp // ws, ws, ws, -1).permute(0, 1, 3, 2, 4, 5).reshape(B, Hp, Wp, -1)[:, :H, :W, :]
        else:
            x = self.attn(x)
        x = shortcut + x
        return x + self.mlp(self.norm2(x))


class ImageEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        g = c["image_size"] // c["patch"]
        self.patch_embed = PatchEmbed(c["patch"], c["dim"])
        self.pos_embed = nn.Parameter(torch.zeros(1, g, g, c["dim"]))
        self.blocks = nn.ModuleList(EncoderBlock(c["dim"], c["heads"], c["mlp_ratio"], 0 if i in c["global_idx"] else c["window"], (g, g))
                                    for i in range(c["depth"]))
        p = c["prompt_dim"]
        self.neck = nn.Sequential(nn.Conv2d(c["dim"], p, 1, bias=False), LayerNorm2d(p), nn.Conv2d(p, p, 3, padding=1, bias=False), LayerNorm2d(p))

    def forward(self, x):
        x = self.patch_embed(x) + self.pos_embed
        for b in self.blocks:
            x = b(x)
        return self.neck(x.permute(0, 3, 1, 2))


class FourierPE(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.register_buffer("positional_encoding_gaussian_matrix", torch.randn(2, n))

    def encode(self, xy):
        p = (2 * xy - 1) @ self.positional_encoding_gaussian_matrix
        p = 2 * np.pi * p
        return torch.cat([torch.sin(p), torch.cos(p)], dim=-1)

    def grid(self, h, w):
        ones = torch.ones((h, w))
        y = (ones.cumsum(0) - 0.5) / h
        x = (ones.cumsum(1) - 0.5) / w
        return self.encode(torch.stack([x, y], -1)).permute(2, 0, 1)

    def points(self, xy, size):
        xy = xy.clone()
        xy[..., 0] = xy[..., 0] / size[1]
        xy[..., 1] = xy[..., 1] / size[0]
        return self.encode(xy.float())


class PromptEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, m = c["prompt_dim"], c["mask_in"]
        self.d = d
        self.img = (c["image_size"], c["image_size"])
        g = c["image_size"] // c["patch"]
        self.grid_hw = (g, g)
        self.pe_layer = FourierPE(d // 2)
        self.point_embeddings = nn.ModuleList(nn.Embedding(1, d) for _ in range(4))
        self.not_a_point_embed = nn.Embedding(1, d)
        self.mask_downscaling = nn.Sequential(nn.Conv2d(1, m // 4, 2, stride=2), LayerNorm2d(m // 4), nn.GELU(),
                                              nn.Conv2d(m // 4, m, 2, stride=2), LayerNorm2d(m), nn.GELU(), nn.Conv2d(m, d, 1))
        self.no_mask_embed = nn.Embedding(1, d)

    def dense_pe(self):
        return self.pe_layer.grid(*self.grid_hw).unsqueeze(0)

    def forward(self, points, boxes, masks):
        bs = points[0].shape[0] if points is not None else boxes.shape[0] if boxes is not None else masks.shape[0] if masks is not None else 1
        tokens = [torch.empty((bs, 0, self.d))]
        if points is not None:
            xy, lab = points
            xy = xy + 0.5
            if boxes is None:
                xy = torch.cat([xy, torch.zeros((xy.shape[0], 1, 2))], 1)
                lab = torch.cat([lab, -torch.ones((lab.shape[0], 1))], 1)
            e = self.pe_layer.points(xy, self.img)
            e[lab == -1] = 0.0
            e[lab == -1] += self.not_a_point_embed.weight
            e[lab == 0] += self.point_embeddings[0].weight
            e[lab == 1] += self.point_embeddings[1].weight
            tokens.append(e)
        if boxes is not None:
            e = self.pe_layer.points((boxes + 0.5).reshape(-1, 2, 2), self.img)
            e[:, 0, :] += self.point_embeddings[2].weight
            e[:, 1, :] += self.point_embeddings[3].weight
            tokens.append(e)
        dense = self.mask_downscaling(masks) if masks is not None else \
            self.no_mask_embed.weight.reshape(1, -1, 1, 1).expand(bs, -1, *self.grid_hw)
        return torch.cat(tokens, 1), dense


class Attention(nn.Module):
    def __init__(self, d, heads, down=1):
        super().__init__()
        i = d // down
        self.heads = heads
        self.q_proj, self.k_proj, self.v_proj = nn.Linear(d, i), nn.Linear(d, i), nn.Linear(d, i)
        self.out_proj = nn.Linear(i, d)

    def split(self, x):
        b, n, c = x.shape
        return x.reshape(b, n, self.heads, c // self.heads).transpose(1, 2)

    def forward(self, q, k, v):
        q, k, v = self.split(self.q_proj(q)), self.split(self.k_proj(k)), self.split(self.v_proj(v))
        a = (q @ k.permute(0, 1, 3, 2)) / math.sqrt(q.shape[-1])
        o = a.softmax(dim=-1) @ v
        b, h, n, c = o.shape
        return self.out_proj(o.transpose(1, 2).reshape(b, n, h * c))


class TwoWayBlock(nn.Module):
    def __init__(self, d, heads, mlp, skip_pe):
        super().__init__()
        self.skip_pe = skip_pe
        self.self_attn = Attention(d, heads)
        self.norm1 = nn.LayerNorm(d)
        self.cross_attn_token_to_image = Attention(d, heads, 2)
        self.norm2 = nn.LayerNorm(d)
        self.mlp = MLPBlock(d, mlp, nn.ReLU)
        self.norm3 = nn.LayerNorm(d)
        self.norm4 = nn.LayerNorm(d)
        self.cross_attn_image_to_token = Attention(d, heads, 2)

    def forward(self, q, k, qpe, kpe):
        if self.skip_pe:
            q = self.self_attn(q, q, q)
        else:
            qq = q + qpe
            q = q + self.self_attn(qq, qq, q)
        q = self.norm1(q)
        q = self.norm2(q + self.cross_attn_token_to_image(q + qpe, k + kpe, k))
        q = self.norm3(q + self.mlp(q))
        k = self.norm4(k + self.cross_attn_image_to_token(k + kpe, q + qpe, q))
        return q, k


class TwoWayTransformer(nn.Module):
    def __init__(self, depth, d, heads, mlp):
        super().__init__()
        self.layers = nn.ModuleList(TwoWayBlock(d, heads, mlp, i == 0) for i in range(depth))
        self.final_attn_token_to_image = Attention(d, heads, 2)
        self.norm_final_attn = nn.LayerNorm(d)

    def forward(self, img, img_pe, tokens):
        k = img.flatten(2).permute(0, 2, 1)
        kpe = img_pe.flatten(2).permute(0, 2, 1)
        q = tokens
        for layer in self.layers:
            q, k = layer(q, k, tokens, kpe)
        q = self.norm_final_attn(q + self.final_attn_token_to_image(q + tokens, k + kpe, k))
        return q, k


class MLP(nn.Module):
    def __init__(self, i, h, o, n):
        super().__init__()
        dims = [i] + [h] * (n - 1) + [o]
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:]))

    def forward(self, x):
        for j, layer in enumerate(self.layers):
            x = layer(x) if j == len(self.layers) - 1 else F.relu(layer(x))
        return x


class MaskDecoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["prompt_dim"]
        self.n = c["multimask"] + 1
        self.transformer = TwoWayTransformer(c["dec_depth"], d, c["dec_heads"], c["dec_mlp"])
        self.iou_token = nn.Embedding(1, d)
        self.mask_tokens = nn.Embedding(self.n, d)
        self.output_upscaling = nn.Sequential(nn.ConvTranspose2d(d, d // 4, 2, stride=2), LayerNorm2d(d // 4), nn.GELU(),
                                              nn.ConvTranspose2d(d // 4, d // 8, 2, stride=2), nn.GELU())
        self.output_hypernetworks_mlps = nn.ModuleList(MLP(d, d, d // 8, 3) for _ in range(self.n))
        self.iou_prediction_head = MLP(d, c["iou_hidden"], self.n, c["iou_depth"])

    def forward(self, emb, pe, sparse, dense, multimask):
        b = sparse.shape[0]
        tokens = torch.cat([torch.cat([self.iou_token.weight, self.mask_tokens.weight], 0).unsqueeze(0).expand(b, -1, -1), sparse], 1)
        src = torch.repeat_interleave(emb, b, dim=0) + dense
        pos = torch.repeat_interleave(pe, b, dim=0)
        _, c, h, w = src.shape
        hs, src = self.transformer(src, pos, tokens)
        up = self.output_upscaling(src.transpose(1, 2).reshape(b, c, h, w))
        hyper = torch.stack([self.output_hypernetworks_mlps[i](hs[:, 1 + i, :]) for i in range(self.n)], 1)
        _, uc, uh, uw = up.shape
        masks = (hyper @ up.view(b, uc, uh * uw)).view(b, -1, uh, uw)
        iou = self.iou_prediction_head(hs[:, 0, :])
        s = slice(1, None) if multimask else slice(0, 1)
        return masks[:, s], iou[:, s]


class Sam(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.size = c["image_size"]
        self.image_encoder = ImageEncoder(c)
        self.prompt_encoder = PromptEncoder(c)
        self.mask_decoder = MaskDecoder(c)
        self.register_buffer("pixel_mean", torch.tensor([123.675, 116.28, 103.53]).view(-1, 1, 1), False)
        self.register_buffer("pixel_std", torch.tensor([58.395, 57.12, 57.375]).view(-1, 1, 1), False)


def build(c):
    return Sam(c).eval()


def resized_shape(h, w, side):
    s = side * 1.0 / max(h, w)
    return int(h * s + 0.5), int(w * s + 0.5)


class Predictor:
    def __init__(self, model):
        self.m = model

    @torch.no_grad()
    def set_image(self, image, fmt="RGB"):
        """image: uint8 numpy (H, W, 3)."""
        if fmt == "BGR":
            image = image[..., ::-1]
        self.orig = image.shape[:2]
        nh, nw = resized_shape(*self.orig, self.m.size)
        x = torch.as_tensor(np.ascontiguousarray(image)).permute(2, 0, 1)[None].float()
        x = F.interpolate(x, (nh, nw), mode="bilinear", align_corners=False, antialias=True)
        self.input = (nh, nw)
        x = (x - self.m.pixel_mean) / self.m.pixel_std
        x = F.pad(x, (0, self.m.size - nw, 0, self.m.size - nh))
        self.features = self.m.image_encoder(x)

    def scale_coords(self, xy):
        xy = torch.as_tensor(xy, dtype=torch.float32).clone()
        xy[..., 0] = xy[..., 0] * (self.input[1] / self.orig[1])
        xy[..., 1] = xy[..., 1] * (self.input[0] / self.orig[0])
        return xy

    @torch.no_grad()
    def predict_torch(self, xy, labels, boxes, mask_input, multimask, return_logits):
        """xy (B, N, 2), labels (B, N), boxes (B, 4) in resized-image pixels; mask_input (B, 1, 256, 256)."""
        pts = (xy, labels) if xy is not None else None
        sparse, dense = self.m.prompt_encoder(pts, boxes, mask_input)
        low, iou = self.m.mask_decoder(self.features, self.m.prompt_encoder.dense_pe(), sparse, dense, multimask)
        up = F.interpolate(low, (self.m.size, self.m.size), mode="bilinear", align_corners=False)
        up = up[..., :self.input[0], :self.input[1]]
        masks = F.interpolate(up, self.orig, mode="bilinear", align_corners=False)
        return (masks if return_logits else masks > 0.0), iou, low

    def predict(self, points=None, labels=None, box=None, mask_input=None, multimask=True, return_logits=False):
        """Original-image pixel prompts for one object: masks (C, H, W), IoUs (C), low-res logits (C, 256, 256)."""
        xy = self.scale_coords(points)[None] if points is not None else None
        lab = torch.as_tensor(labels, dtype=torch.float32)[None] if points is not None else None
        bx = self.scale_coords(torch.as_tensor(box, dtype=torch.float32).reshape(-1, 2, 2)).reshape(-1, 4) if box is not None else None
        mi = torch.as_tensor(mask_input, dtype=torch.float32)[None] if mask_input is not None else None
        m, i, low = self.predict_torch(xy, lab, bx, mi, multimask, return_logits)
        return m[0], i[0], low[0]


# ---- automatic mask generation ----

def point_grid(n):
    o = 1 / (2 * n)
    side = np.linspace(o, 1 - o, n)
    return np.stack([np.tile(side[None, :], (n, 1)), np.tile(side[:, None], (1, n))], axis=-1).reshape(-1, 2)


def crop_boxes(h, w, n_layers, overlap_ratio):
    boxes, layers = [[0, 0, w, h]], [0]
    short = min(h, w)
    for i in range(n_layers):
        n = 2 ** (i + 1)
        overlap = int(overlap_ratio * short * (2 / n))
        cw = int(math.ceil((overlap * (n - 1) + w) / n))
        ch = int(math.ceil((overlap * (n - 1) + h) / n))
        for x0 in [int((cw - overlap) * j) for j in range(n)]:
            for y0 in [int((ch - overlap) * j) for j in range(n)]:
                boxes.append([x0, y0, min(x0 + cw, w), min(y0 + ch, h)])
                layers.append(i + 1)
    return boxes, layers


def stability_score(logits, thr, offset):
    inter = (logits > (thr + offset)).sum(-1, dtype=torch.int16).sum(-1, dtype=torch.int32)
    union = (logits > (thr - offset)).sum(-1, dtype=torch.int16).sum(-1, dtype=torch.int32)
    return inter / union


def mask_to_box(masks):
    """(B, H, W) bool -> (B, 4) int64 xyxy, zeros for empty masks."""
    if masks.numel() == 0:
        return torch.zeros(*masks.shape[:-2], 4)
    h, w = masks.shape[-2:]
    rows = masks.any(-1)
    cols = masks.any(-2)
    ys = rows * torch.arange(h)[None]
    bottom = ys.max(-1).values
    top = (ys + h * ~rows).min(-1).values
    xs = cols * torch.arange(w)[None]
    right = xs.max(-1).values
    left = (xs + w * ~cols).min(-1).values
    box = torch.stack([left, top, right, bottom], -1)
    empty = (right < left) | (bottom < top)
    return box * (~empty).unsqueeze(-1)


def nms(boxes, scores, thr):
    return torchvision.ops.nms(boxes, scores, thr)


def to_rle(masks):
    b, h, w = masks.shape
    flat = masks.permute(0, 2, 1).flatten(1)
    out = []
    for i in range(b):
        change = (flat[i, 1:] ^ flat[i, :-1]).nonzero().flatten()
        idx = torch.cat([torch.tensor([0]), change + 1, torch.tensor([h * w])])
        counts = [] if flat[i, 0] == 0 else [0]
        counts.extend((idx[1:] - idx[:-1]).tolist())
        out.append({"size": [h, w], "counts": counts})
    return out


def from_rle(rle):
    h, w = rle["size"]
    m = np.empty(h * w, dtype=bool)
    i, v = 0, False
    for c in rle["counts"]:
        m[i:i + c] = v
        i += c
        v = not v
    return m.reshape(w, h).transpose()


def remove_small(mask, area, mode):
    """The official remove_small_regions, with scipy's 8-connected labelling standing in for OpenCV's
    connectedComponentsWithStats (same components, labelled in raster order of their first pixel)."""
    from scipy import ndimage
    holes = mode == "holes"
    regions, n = ndimage.label(holes ^ mask, structure=np.ones((3, 3), dtype=int))
    n += 1
    sizes = np.bincount(regions.ravel(), minlength=n)[1:]
    small = [i + 1 for i, s in enumerate(sizes) if s < area]
    if not small:
        return mask, False
    fill = [0] + small
    if not holes:
        fill = [i for i in range(n) if i not in fill] or [int(np.argmax(sizes)) + 1]
    return np.isin(regions, fill), True


class Generator:
    def __init__(self, model, points_per_side=32, points_per_batch=64, pred_iou_thresh=0.88, stability_score_thresh=0.95,
                 stability_score_offset=1.0, box_nms_thresh=0.7, crop_n_layers=0, crop_nms_thresh=0.7,
                 crop_overlap_ratio=512 / 1500, crop_n_points_downscale_factor=1, min_mask_region_area=0):
        self.p = Predictor(model)
        self.grids = [point_grid(int(points_per_side / crop_n_points_downscale_factor ** i)) for i in range(crop_n_layers + 1)]
        self.__dict__.update(ppb=points_per_batch, iou_t=pred_iou_thresh, stab_t=stability_score_thresh, stab_o=stability_score_offset,
                             nms_t=box_nms_thresh, layers=crop_n_layers, crop_nms=crop_nms_thresh, overlap=crop_overlap_ratio,
                             min_area=min_mask_region_area)

    def generate(self, image):
        h, w = image.shape[:2]
        boxes, layers = crop_boxes(h, w, self.layers, self.overlap)
        parts = [self.crop(image, b, l, (h, w)) for b, l in zip(boxes, layers)]
        d = {k: torch.cat([p[k] for p in parts]) for k in ("boxes", "iou", "points", "stab", "crop")}
        d["rles"] = [r for p in parts for r in p["rles"]]
        if len(boxes) > 1 and len(d["rles"]):
            area = (d["crop"][:, 2] - d["crop"][:, 0]) * (d["crop"][:, 3] - d["crop"][:, 1])
            keep = nms(d["boxes"].float(), 1 / area.float(), self.crop_nms)
            d = filt(d, keep)
        if self.min_area > 0 and len(d["rles"]):
            d = self.small_regions(d, max(self.nms_t, self.crop_nms))
        return [dict(rle=d["rles"][i], area=sum(d["rles"][i]["counts"][1::2]),
                     bbox=[float(v) for v in (d["boxes"][i, 0], d["boxes"][i, 1], d["boxes"][i, 2] - d["boxes"][i, 0], d["boxes"][i, 3] - d["boxes"][i, 1])],
                     predicted_iou=float(d["iou"][i]), point=d["points"][i].tolist(), stability_score=float(d["stab"][i]),
                     crop_box=d["crop"][i].tolist()) for i in range(len(d["rles"]))]

    def crop(self, image, box, layer, orig):
        x0, y0, x1, y1 = box
        im = image[y0:y1, x0:x1, :]
        ch, cw = im.shape[:2]
        self.p.set_image(im)
        pts = self.grids[layer] * np.array([[cw, ch]])
        parts = [self.batch(pts[i:i + self.ppb], (ch, cw), box, orig) for i in range(0, len(pts), self.ppb)]
        d = {k: torch.cat([p[k] for p in parts]) for k in ("boxes", "iou", "points", "stab")}
        d["rles"] = [r for p in parts for r in p["rles"]]
        d = filt(d, nms(d["boxes"].float(), d["iou"], self.nms_t))
        d["boxes"] = d["boxes"] + torch.tensor([[x0, y0, x0, y0]])
        d["points"] = d["points"] + torch.tensor([[x0, y0]])
        d["crop"] = torch.tensor([box] * len(d["rles"]), dtype=torch.int64).reshape(-1, 4)
        return d

    def batch(self, pts, size, box, orig):
        xy = self.p.scale_coords(torch.as_tensor(pts, dtype=torch.float32))
        masks, iou, _ = self.p.predict_torch(xy[:, None, :], torch.ones(len(pts), 1), None, None, True, True)
        d = dict(masks=masks.flatten(0, 1), iou=iou.flatten(0, 1), points=torch.as_tensor(pts.repeat(masks.shape[1], axis=0), dtype=torch.float32))
        if self.iou_t > 0:
            d = filt(d, d["iou"] > self.iou_t)
        d["stab"] = stability_score(d["masks"], 0.0, self.stab_o)
        if self.stab_t > 0:
            d = filt(d, d["stab"] >= self.stab_t)
        d["masks"] = d["masks"] > 0.0
        d["boxes"] = mask_to_box(d["masks"]).reshape(-1, 4)
        x0, y0 = box[0], box[1]
        shifted = (d["boxes"] + torch.tensor([[x0, y0, x0, y0]])).float()
        near_crop = torch.isclose(shifted, torch.tensor(box, dtype=torch.float32)[None], atol=20.0, rtol=0)
        near_img = torch.isclose(shifted, torch.tensor([0, 0, orig[1], orig[0]], dtype=torch.float32)[None], atol=20.0, rtol=0)
        d = filt(d, ~(near_crop & ~near_img).any(1))
        m = d.pop("masks")
        if box != [0, 0, orig[1], orig[0]]:
            m = F.pad(m, (x0, orig[1] - box[2], y0, orig[0] - box[3]), value=0)
        d["rles"] = to_rle(m)
        return d

    def small_regions(self, d, thr):
        masks, scores = [], []
        for rle in d["rles"]:
            m, c1 = remove_small(from_rle(rle), self.min_area, "holes")
            m, c2 = remove_small(m, self.min_area, "islands")
            masks.append(torch.as_tensor(m)[None])
            scores.append(float(not (c1 or c2)))
        masks = torch.cat(masks)
        boxes = mask_to_box(masks)
        keep = nms(boxes.float(), torch.as_tensor(scores), thr)
        for i in keep.tolist():
            if scores[i] == 0.0:
                d["rles"][i] = to_rle(masks[i][None])[0]
                d["boxes"][i] = boxes[i]
        return filt(d, keep)


def filt(d, keep):
    out = {k: v[keep] for k, v in d.items() if k != "rles"}
    if "rles" in d:
        idx = keep.nonzero().flatten().tolist() if keep.dtype == torch.bool else keep.tolist()
        out["rles"] = [d["rles"][i] for i in idx]
    return out


def count(m):
    return sum(p.numel() for p in m.parameters())


def bench(model="vit_b", threads=2, repeats=5):
    """The PyTorch side of benchmarks/Vision.SamBench: ms per set_image (a random 768x1024 image) and per
    single-point predict, and the peak resident memory."""
    import resource
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    pred = Predictor(build(CONFIGS[model]))
    image = np.random.RandomState(0).randint(0, 256, (768, 1024, 3), dtype=np.uint8)
    pred.set_image(image)
    t = time.perf_counter()
    for _ in range(repeats):
        pred.set_image(image)
    set_image = (time.perf_counter() - t) / repeats
    pred.predict(points=[[500, 375]], labels=[1])
    t = time.perf_counter()
    for _ in range(20 * repeats):
        pred.predict(points=[[500, 375]], labels=[1])
    predict = (time.perf_counter() - t) / (20 * repeats)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"pytorch sam_{model} threads={threads} set_image={set_image * 1000:.1f} ms predict={predict * 1000:.2f} ms peak_rss={peak} MB")


if __name__ == "__main__":
    if sys.argv[1:2] == ["bench"]:
        opts = dict(zip(sys.argv[2::2], sys.argv[3::2]))
        bench(opts.get("--model", "vit_b"), int(opts.get("--threads", 2)), int(opts.get("--repeats", 5)))
    else:
        for name, c in CONFIGS.items():
            m = Sam(c)
            print(name, count(m), "image_encoder", count(m.image_encoder), "prompt_encoder", count(m.prompt_encoder), "mask_decoder", count(m.mask_decoder))
