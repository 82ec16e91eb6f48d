using Vision.Data;
using Vision.Data.BatchAugments;

namespace Vision.Engine.Training;

/// <summary>
/// The default <see cref="IDataPreprocessor"/>: moves the batch to the device, converts uint8 images to float32,
/// normalises them with <see cref="DataPreprocessorOptions.Mean"/> and <see cref="DataPreprocessorOptions.Std"/> (0–255 scale), applies
/// the batch augment to training batches (Mixup/CutMix, producing soft targets) and lays the images out channels-last
/// when asked. The mean and std tensors are made once and owned by the preprocessor.
/// </summary>
public sealed class DataPreprocessor : IDataPreprocessor, IDisposable
{
    private readonly Device device;
    private readonly bool channelsLast;
    private readonly IBatchAugment? augment;
    private readonly Tensor? mean;
    private readonly Tensor? std;

    /// <summary>Creates the preprocessor.</summary>
    /// <param name="device">Where the model trains.</param>
    /// <param name="options">Normalisation; null or empty = float conversion only.</param>
    /// <param name="channelsLast">Lay the images out channels-last (NHWC strides).</param>
    /// <param name="augment">Mixes training batches; null = none.</param>
    public DataPreprocessor(Device device, DataPreprocessorOptions? options = null, bool channelsLast = false, IBatchAugment? augment = null)
    {
        this.device = device;
        this.channelsLast = channelsLast;
        this.augment = augment;
        if (options?.Mean is { } m && options.Std is { } s)
        {
            mean = Channels(m);
            std = Channels(s);
        }
    }

    private Tensor Channels(double[] values)
    {
        using var scope = torch.NewDisposeScope();
        var host = torch.tensor<float>(values.Select(v => (float)v).ToArray(), [1, values.Length, 1, 1]);
        return host.to(device).DetachFromDisposeScope();
    }

    /// <inheritdoc/>
    public (Tensor Inputs, Tensor Targets) Process(Batch batch, bool training, Random random)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var images = batch.Images.to(device, ScalarType.Float32);
        if (mean is not null && std is not null)
        {
            images = (images - mean) / std;
        }
        var targets = batch.Targets.to(device);
        if (training && augment is not null && targets.dtype == ScalarType.Int64)
        {
            (images, targets) = augment.Apply(images, targets, random);
        }
        if (channelsLast)
        {
            images = images.contiguous(MemoryFormat.ChannelsLast);
        }
        return (images, targets);
    }

    /// <summary>Frees the mean and std tensors.</summary>
    public void Dispose()
    {
        mean?.Dispose();
        std?.Dispose();
    }
}
