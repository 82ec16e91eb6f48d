using Vision.Data.Image;

namespace Vision.Samples.Tests;

/// <summary>
/// A tiny class-per-folder dataset written as PNGs into a temporary folder: 3 classes ("red", "green", "blue") of
/// 12 images each, 32–64 px on a side, split 8 / 2 / 2 into train/, val/ and test/. Each image is noise around its
/// class colour, so the classes are separable but not identical images.
/// </summary>
internal sealed class TinyClassFolders : IDisposable
{
    public static readonly string[] Classes = ["blue", "green", "red"];
    public const int TrainPerClass = 8, ValPerClass = 2, TestPerClass = 2;

    public TinyClassFolders()
    {
        Root = Path.Combine(Path.GetTempPath(), "vision-samples-tests", Guid.NewGuid().ToString("N"));
        var random = new Random(7);
        for (var c = 0; c < Classes.Length; c++)
        {
            var index = 0;
            foreach (var (split, count) in new[] { ("train", TrainPerClass), ("val", ValPerClass), ("test", TestPerClass) })
            {
                var folder = Directory.CreateDirectory(Path.Combine(Root, split, Classes[c])).FullName;
                for (var i = 0; i < count; i++, index++)
                {
                    var (height, width) = (random.Next(32, 65), random.Next(32, 65));
                    var pixels = new byte[height * width * 3];
                    for (var p = 0; p < pixels.Length; p++)
                    {
                        // The class's channel is bright, the others dark (RGB order: blue is channel 2).
                        var bright = p % 3 == 2 - c;
                        pixels[p] = (byte)((bright ? 200 : 50) + random.Next(-40, 41));
                    }
                    using var image = torch.tensor<byte>(pixels, [height, width, 3]);
                    ImageIO.Write(Path.Combine(folder, $"{index:D2}.png"), image);
                }
            }
        }
        WorkDir = Path.Combine(Root, "work");
    }

    public string Root { get; }

    public string WorkDir { get; }

    public static int TrainCount => Classes.Length * TrainPerClass;

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
