namespace Vision.Engine.Optim;

/// <summary>
/// MMEngine's automatic learning-rate scaling (the linear scaling rule of Goyal et al., 2017): a config's lr is
/// tuned for <c>base_batch_size</c> samples per step, and a run with another total batch size scales it by
/// <c>real_batch_size / base_batch_size</c>, where the real size is the batch per device times the number of devices.
/// </summary>
public static class AutoScaleLr
{
    /// <summary>Returns <c>lr * real_batch_size / base_batch_size</c>.</summary>
    public static double Scale(double lr, long baseBatchSize, long realBatchSize)
    {
        OptionChecks.NonNegative("lr", lr);
        OptionChecks.Positive("base_batch_size", baseBatchSize);
        OptionChecks.Positive("real_batch_size", realBatchSize);
        return lr * realBatchSize / baseBatchSize;
    }
}
