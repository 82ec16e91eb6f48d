namespace Vision.Engine.Tests.Configuration;

/// <summary>A temporary folder of config files, deleted on dispose.</summary>
internal sealed class ConfigFiles : IDisposable
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("vision-config-");

    /// <summary>The folder.</summary>
    public string Root => root.FullName;

    /// <summary>Writes <paramref name="text"/> to <paramref name="relativePath"/> ('/'-separated) and returns the full path.</summary>
    public string Write(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>
    /// MMPreTrain's layout: a config with two bases, one of which has a base of its own.
    /// <c>configs/resnet18_cifar.json</c> is the entry point.
    /// </summary>
    public static ConfigFiles ResNetLayout()
    {
        var files = new ConfigFiles();
        files.Write("_base_/default_runtime.json", """
            {
              // Comments are allowed.
              "default_hooks": { "checkpoint": { "type": "CheckpointHook", "interval": 1 } },
              "seed": 0,
              "optimizer": { "type": "SGD", "lr": 0.1, "momentum": 0.9, "weight_decay": 0.0001 },
            }
            """);
        files.Write("_base_/schedules/sgd_100e.json", """
            {
              "_base_": ["../default_runtime.json"],
              "optimizer": { "lr": 0.05 },
              "param_scheduler": [ { "type": "MultiStepLR", "milestones": [30, 60, 90], "gamma": 0.1 } ],
              "train": { "max_epochs": 100, "val_interval": 1 }
            }
            """);
        files.Write("_base_/models/resnet18.json", """
            {
              "model": {
                "type": "ImageClassifier",
                "backbone": { "type": "ResNet", "depth": 18, "out_indices": [0, 1, 2, 3] },
                "head": { "type": "LinearClsHead", "num_classes": 1000, "loss": { "type": "CrossEntropyLoss", "loss_weight": 1.0 } }
              }
            }
            """);
        files.Write("configs/resnet18_cifar.json", """
            {
              "_base_": ["../_base_/models/resnet18.json", "../_base_/schedules/sgd_100e.json"],
              "model": {
                "backbone": { "out_indices": [3] },
                "head": { "num_classes": 10, "loss": { "_delete_": true, "type": "LabelSmoothLoss", "label_smooth_val": 0.1 } }
              },
              "train": { "max_epochs": 5 }
            }
            """);
        return files;
    }

    /// <summary>The path of the entry config of <see cref="ResNetLayout"/>.</summary>
    public string Entry => Path.Combine(Root, "configs", "resnet18_cifar.json");

    public void Dispose() => root.Delete(recursive: true);
}
