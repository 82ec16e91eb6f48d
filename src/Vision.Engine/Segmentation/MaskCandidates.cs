namespace Vision.Engine.Segmentation;

/// <summary>
/// The automatic mask generator's working set (the official MaskData): per candidate mask its box (int64 x0, y0,
/// x1, y1 in image pixels), predicted IoU, prompt point, stability score, crop box and RLE, filtered together.
/// </summary>
internal sealed class MaskCandidates : IDisposable
{
    public MaskCandidates(Tensor boxes, Tensor iouPredictions, Tensor points, Tensor stabilityScores, Tensor cropBoxes, List<MaskRle> rles)
    {
        Boxes = boxes;
        IouPredictions = iouPredictions;
        Points = points;
        StabilityScores = stabilityScores;
        CropBoxes = cropBoxes;
        Rles = rles;
    }

    public Tensor Boxes { get; private set; }

    public Tensor IouPredictions { get; private set; }

    public Tensor Points { get; private set; }

    public Tensor StabilityScores { get; private set; }

    public Tensor CropBoxes { get; private set; }

    public List<MaskRle> Rles { get; private set; }

    public int Count => Rles.Count;

    /// <summary>All candidates of <paramref name="parts"/>, in order; the parts are disposed.</summary>
    public static MaskCandidates Concatenate(IReadOnlyList<MaskCandidates> parts)
    {
        try
        {
            return new MaskCandidates(
                torch.cat(parts.Select(p => p.Boxes).ToList()), torch.cat(parts.Select(p => p.IouPredictions).ToList()),
                torch.cat(parts.Select(p => p.Points).ToList()), torch.cat(parts.Select(p => p.StabilityScores).ToList()),
                torch.cat(parts.Select(p => p.CropBoxes).ToList()), parts.SelectMany(p => p.Rles).ToList());
        }
        finally
        {
            foreach (var part in parts)
            {
                part.Dispose();
            }
        }
    }

    /// <summary>Keeps the candidates at <paramref name="indices"/> (int64), in that order.</summary>
    public void Keep(Tensor indices)
    {
        var order = indices.data<long>();
        Replace(Boxes.index_select(0, indices), IouPredictions.index_select(0, indices), Points.index_select(0, indices),
            StabilityScores.index_select(0, indices), CropBoxes.index_select(0, indices));
        Rles = order.Select(i => Rles[(int)i]).ToList();
    }

    /// <summary>Replaces the boxes (same count), disposing the old ones.</summary>
    public void ReplaceBoxes(Tensor boxes)
    {
        Boxes.Dispose();
        Boxes = boxes;
    }

    private void Replace(Tensor boxes, Tensor iou, Tensor points, Tensor stability, Tensor crops)
    {
        Dispose();
        (Boxes, IouPredictions, Points, StabilityScores, CropBoxes) = (boxes, iou, points, stability, crops);
    }

    public void Dispose()
    {
        Boxes.Dispose();
        IouPredictions.Dispose();
        Points.Dispose();
        StabilityScores.Dispose();
        CropBoxes.Dispose();
    }
}
