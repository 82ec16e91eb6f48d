namespace Vision.Distributed;

/// <summary>How <see cref="torch.distributed.all_reduce"/> combines the ranks' tensors (<c>torch.distributed.ReduceOp</c>).</summary>
public enum ReduceOp
{
    /// <summary>Elementwise sum.</summary>
    SUM = 0,

    /// <summary>Elementwise mean over the ranks (a sum divided by the world size: Gloo has no native average).</summary>
    AVG = 1,

    /// <summary>Elementwise product.</summary>
    PRODUCT = 2,

    /// <summary>Elementwise minimum.</summary>
    MIN = 3,

    /// <summary>Elementwise maximum.</summary>
    MAX = 4,
}
