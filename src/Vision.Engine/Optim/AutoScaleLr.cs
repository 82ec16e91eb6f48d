namespace Vision.Engine.Optim;

/// <summary>
/// MMEngine's automatic learning-rate scaling (the linear scaling rule of Goyal et al., 2017): a config's lr is
/// tuned for <c>base_batch_size</c> samples per step, and a run with another total batch size scales it by
/// <c>real_batch_size / base_batch_size</c>, where the real size is the batch per device times the number of devices.
/// </summary>
public static class AutoScaleLr
{
    /// <summary>Returns <c>lr * real_batch_size / base_batch_size</c>.</summary>
    public static double scale(double lr, long base_batch_size, long real_batch_size)
    {
        OptionChecks.NonNegative("lr", lr);
        OptionChecks.Positive("base_batch_size", base_batch_size);
        OptionChecks.Positive("real_batch_size", real_batch_size);
        return lr * real_batch_size / base_batch_size;
    }
}
