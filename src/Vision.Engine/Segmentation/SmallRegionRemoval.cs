namespace Vision.Engine.Segmentation;

/// <summary>
/// Removes small disconnected islands or small holes from a binary mask, as SAM's post-processing does: connected
/// components with 8-connectivity (OpenCV's connectedComponentsWithStats semantics, components labelled in raster
/// order of their first pixel) of the mask (islands) or of its complement (holes).
/// </summary>
public static class SmallRegionRemoval
{
    /// <summary>
    /// The mask (H, W) with holes (<paramref name="holes"/> true) or islands smaller than <paramref name="areaThreshold"/>
    /// pixels removed, and whether anything changed. If every island is small, the largest one is kept.
    /// </summary>
    public static (Tensor Mask, bool Changed) Remove(Tensor mask, double areaThreshold, bool holes)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.dim() != 2)
        {
            throw new ArgumentException($"SmallRegionRemoval expects a mask (H, W); got [{string.Join(", ", mask.shape)}].", nameof(mask));
        }
        var (h, w) = ((int)mask.size(0), (int)mask.size(1));
        bool[] pixels;
        using (torch.NewDisposeScope())
        {
            pixels = mask.ne(0).cpu().contiguous().data<bool>();
        }
        var working = holes ? pixels.Select(p => !p).ToArray() : pixels;
        var (labels, sizes) = Label(working, h, w);
        var small = new HashSet<int>(Enumerable.Range(1, sizes.Count).Where(l => sizes[l - 1] < areaThreshold));
        if (small.Count == 0)
        {
            return (mask.ne(0), false);
        }
        HashSet<int> fill;
        if (holes)
        {
            // Label 0 of the complement is the mask itself; small holes join it.
            fill = [0, .. small];
        }
        else
        {
            fill = [.. Enumerable.Range(1, sizes.Count).Where(l => !small.Contains(l))];
            if (fill.Count == 0)
            {
                fill.Add(1 + sizes.IndexOf(sizes.Max()));
            }
        }
        var result = labels.Select(fill.Contains).ToArray();
        return (torch.tensor(result, h, w), true);
    }

    /// <summary>8-connected components of the set pixels: labels (0 = unset, 1… in raster order of first pixel) and sizes.</summary>
    public static (int[] Labels, List<long> Sizes) Label(bool[] pixels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        var labels = new int[pixels.Length];
        var sizes = new List<long>();
        var stack = new Stack<int>();
        for (var start = 0; start < pixels.Length; start++)
        {
            if (!pixels[start] || labels[start] != 0)
            {
                continue;
            }
            var label = sizes.Count + 1;
            long size = 0;
            labels[start] = label;
            stack.Push(start);
            while (stack.Count > 0)
            {
                var p = stack.Pop();
                size++;
                var (y, x) = (p / width, p % width);
                for (var dy = -1; dy <= 1; dy++)
                {
                    for (var dx = -1; dx <= 1; dx++)
                    {
                        var (ny, nx) = (y + dy, x + dx);
                        if (ny < 0 || ny >= height || nx < 0 || nx >= width)
                        {
                            continue;
                        }
                        var q = ny * width + nx;
                        if (pixels[q] && labels[q] == 0)
                        {
                            labels[q] = label;
                            stack.Push(q);
                        }
                    }
                }
            }
            sizes.Add(size);
        }
        return (labels, sizes);
    }
}
