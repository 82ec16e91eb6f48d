namespace Vision.Engine.Segmentation;

/// <summary>The settings of <see cref="SamAutomaticMaskGenerator"/>, with the official defaults.</summary>
public sealed record SamAutomaticMaskGeneratorOptions
{
    /// <summary>Prompt points along each side of the grid (null when <see cref="PointGrids"/> is given).</summary>
    public int? PointsPerSide { get; init; } = 32;

    /// <summary>Points decoded together (memory against speed).</summary>
    public int PointsPerBatch { get; init; } = 64;

    /// <summary>Masks whose predicted IoU is not above this are dropped (0 keeps all).</summary>
    public double PredIouThresh { get; init; } = 0.88;

    /// <summary>Masks whose stability score is below this are dropped (0 keeps all).</summary>
    public double StabilityScoreThresh { get; init; } = 0.95;

    /// <summary>How far the logit threshold is moved up and down for the stability score.</summary>
    public double StabilityScoreOffset { get; init; } = 1.0;

    /// <summary>IoU above which NMS drops the lower-IoU mask's box within a crop.</summary>
    public double BoxNmsThresh { get; init; } = 0.7;

    /// <summary>Layers of crops beyond the whole image (layer i has 2^i × 2^i crops).</summary>
    public int CropNLayers { get; init; }

    /// <summary>IoU above which NMS across crops drops the mask from the larger crop.</summary>
    public double CropNmsThresh { get; init; } = 0.7;

    /// <summary>Overlap of neighbouring crops, as a fraction of the short side at the first crop layer.</summary>
    public double CropOverlapRatio { get; init; } = 512.0 / 1500;

    /// <summary>Layer i samples PointsPerSide / factor^i points per side.</summary>
    public int CropNPointsDownscaleFactor { get; init; } = 1;

    /// <summary>Explicit (n, 2) point grids in [0, 1]², one per crop layer, instead of <see cref="PointsPerSide"/>.</summary>
    public IReadOnlyList<Tensor>? PointGrids { get; init; }

    /// <summary>Islands and holes smaller than this many pixels are removed (0 turns it off).</summary>
    public int MinMaskRegionArea { get; init; }

    /// <summary>How segmentations are returned.</summary>
    public SamOutputMode OutputMode { get; init; } = SamOutputMode.BinaryMask;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is out of range, or both or neither of the point sources are given.</exception>
    public void Validate()
    {
        if ((PointsPerSide is null) == (PointGrids is null))
        {
            throw new ArgumentException("SAM mask generator: give exactly one of PointsPerSide and PointGrids.");
        }
        if (PointsPerSide is <= 0 || PointsPerBatch <= 0 || CropNPointsDownscaleFactor <= 0)
        {
            throw new ArgumentException($"SAM mask generator: PointsPerSide ({PointsPerSide}), PointsPerBatch ({PointsPerBatch}) and CropNPointsDownscaleFactor ({CropNPointsDownscaleFactor}) must be positive.");
        }
        if (CropNLayers < 0 || MinMaskRegionArea < 0 || StabilityScoreOffset < 0)
        {
            throw new ArgumentException($"SAM mask generator: CropNLayers ({CropNLayers}), MinMaskRegionArea ({MinMaskRegionArea}) and StabilityScoreOffset ({StabilityScoreOffset}) must not be negative.");
        }
        foreach (var (name, value) in new[] { ("BoxNmsThresh", BoxNmsThresh), ("CropNmsThresh", CropNmsThresh), ("CropOverlapRatio", CropOverlapRatio), ("PredIouThresh", PredIouThresh), ("StabilityScoreThresh", StabilityScoreThresh) })
        {
            if (value is < 0 or > 1 || double.IsNaN(value))
            {
                throw new ArgumentException($"SAM mask generator: {name} must lie in [0, 1]; got {value}.");
            }
        }
        if (PointGrids is not null && PointGrids.Count != CropNLayers + 1)
        {
            throw new ArgumentException($"SAM mask generator: {PointGrids.Count} point grids given for {CropNLayers + 1} crop layers.");
        }
        if (PointGrids is not null && PointGrids.Any(g => g.dim() != 2 || g.size(1) != 2))
        {
            throw new ArgumentException("SAM mask generator: each point grid must be (n, 2) in [0, 1]².");
        }
    }
}
