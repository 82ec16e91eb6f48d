using System.Text;

namespace Vision.Engine.Segmentation;

/// <summary>
/// A binary mask as uncompressed run-length encoding in COCO's convention: pixels in column-major (Fortran) order,
/// alternating runs of 0s and 1s starting with 0s (a first count of 0 when the mask starts with a 1).
/// <see cref="ToCocoString"/> gives COCO's compressed form (pycocotools' <c>counts</c> string).
/// </summary>
/// <param name="Height">Mask height.</param>
/// <param name="Width">Mask width.</param>
/// <param name="Counts">Run lengths, summing to Height · Width.</param>
public sealed record MaskRle(long Height, long Width, IReadOnlyList<long> Counts)
{
    /// <summary>Number of pixels in the mask (the sum of the 1-runs).</summary>
    public long Area => Counts.Where((_, i) => i % 2 == 1).Sum();

    /// <summary>The RLEs of bool masks (B, H, W).</summary>
    /// <exception cref="ArgumentException">The masks are not (B, H, W).</exception>
    public static IReadOnlyList<MaskRle> Encode(Tensor masks)
    {
        ArgumentNullException.ThrowIfNull(masks);
        if (masks.dim() != 3)
        {
            throw new ArgumentException($"MaskRle.Encode expects masks (B, H, W); got [{string.Join(", ", masks.shape)}].", nameof(masks));
        }
        var (b, h, w) = (masks.size(0), masks.size(1), masks.size(2));
        byte[] bytes;
        using (torch.NewDisposeScope())
        {
            bytes = masks.ne(0).permute(0, 2, 1).to(ScalarType.Byte).contiguous().cpu().data<byte>();
        }
        var result = new List<MaskRle>((int)b);
        var n = (int)(h * w);
        for (var i = 0; i < b; i++)
        {
            var pixels = bytes.AsSpan(i * n, n);
            var counts = new List<long>();
            byte current = 0;
            long run = 0;
            foreach (var p in pixels)
            {
                if (p != current)
                {
                    counts.Add(run);
                    run = 0;
                    current = p;
                }
                run++;
            }
            counts.Add(run);
            result.Add(new MaskRle(h, w, counts));
        }
        return result;
    }

    /// <summary>The bool (H, W) mask.</summary>
    public Tensor Decode()
    {
        var pixels = new bool[Height * Width];
        long index = 0;
        var value = false;
        foreach (var count in Counts)
        {
            pixels.AsSpan((int)index, (int)count).Fill(value);
            index += count;
            value = !value;
        }
        using var columnMajor = torch.tensor(pixels, Width, Height);
        return columnMajor.t().contiguous();
    }

    /// <summary>
    /// COCO's compressed counts string: each count (from the third on, as the difference to the count two before)
    /// in 5-bit groups, low first, with a continuation bit, offset into printable ASCII from '0'.
    /// </summary>
    public string ToCocoString()
    {
        var text = new StringBuilder();
        for (var i = 0; i < Counts.Count; i++)
        {
            var x = Counts[i] - (i > 2 ? Counts[i - 2] : 0);
            var more = true;
            while (more)
            {
                var c = x & 0x1f;
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more)
                {
                    c |= 0x20;
                }
                text.Append((char)(c + 48));
            }
        }
        return text.ToString();
    }

    /// <summary>Reads COCO's compressed counts string for an <paramref name="height"/>×<paramref name="width"/> mask.</summary>
    /// <exception cref="FormatException">The string has a character outside COCO's alphabet, ends mid-count, or its counts do not cover the mask.</exception>
    public static MaskRle FromCocoString(long height, long width, string counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var result = new List<long>();
        var p = 0;
        while (p < counts.Length)
        {
            long x = 0;
            var k = 0;
            var more = true;
            while (more)
            {
                if (p >= counts.Length)
                {
                    throw new FormatException($"COCO RLE string ends in the middle of a count (at {p}).");
                }
                var c = counts[p] - 48;
                if (c is < 0 or > 63)
                {
                    throw new FormatException($"COCO RLE string has '{counts[p]}' at {p}, outside '0'..'o'.");
                }
                x |= (long)(c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0)
                {
                    x |= -1L << (5 * k);
                }
            }
            if (result.Count > 2)
            {
                x += result[^2];
            }
            result.Add(x);
        }
        if (result.Sum() != height * width || result.Any(c => c < 0))
        {
            throw new FormatException($"COCO RLE counts sum to {result.Sum()}, not the {height}×{width} = {height * width} pixels of the mask.");
        }
        return new MaskRle(height, width, result);
    }
}
