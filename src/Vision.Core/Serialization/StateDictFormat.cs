namespace Vision.Serialization;

/// <summary>The file formats <see cref="StateDictFile"/> reads.</summary>
public enum StateDictFormat
{
    /// <summary>Hugging Face safetensors (<see cref="SafeTensors"/>).</summary>
    SafeTensors,

    /// <summary>A <c>torch.save</c> zip checkpoint (<see cref="TorchCheckpoint"/>).</summary>
    TorchZip,
}
