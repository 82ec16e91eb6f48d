namespace Vision.Data.Transforms;

/// <summary>Which side of the image <see cref="ResizeEdge"/> scales to the target length (MMPreTrain's <c>edge</c>).</summary>
public enum Edge
{
    /// <summary>The shorter side.</summary>
    Short = 0,

    /// <summary>The longer side.</summary>
    Long = 1,

    /// <summary>The width.</summary>
    Width = 2,

    /// <summary>The height.</summary>
    Height = 3,
}
