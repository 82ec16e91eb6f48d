using System.Buffers.Binary;
using System.Text;
using Vision.Engine.Logging;
using Vision.Engine.Logging.TensorBoard;

namespace Vision.Engine.Tests.Logging;

public sealed class TensorBoardFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("vision-tb-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Crc32CMatchesTheRfc3720TestVectors()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
        Assert.Equal(0x113FDB5Cu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray()));
        // TensorFlow's mask: rotate right by 15 and add 0xa282ead8.
        var crc = 0xE3069283u;
        Assert.Equal(unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u), Crc32C.Masked("123456789"u8));
    }

    [Fact]
    public void TheEventFileHoldsFramedFileVersionAndScalarEvents()
    {
        string path;
        using (var writer = new TensorBoardScalarWriter())
        {
            writer.Open(folder);
            writer.Write(new ScalarRecord("train", 1, 10, [new("loss", 0.5), new("lr", 0.125)]));
            writer.Write(new ScalarRecord("val", 1, 20, [new("accuracy/top1", 87.5)]));
            path = writer.FilePath!;
        }
        Assert.Matches(@"^events\.out\.tfevents\.\d{10}\..+\.\d+\.0$", Path.GetFileName(path));

        var records = ReadRecords(File.ReadAllBytes(path));
        Assert.Equal(3, records.Count);

        var version = Decode(records[0]);
        Assert.Equal("brain.Event:2", Encoding.UTF8.GetString(version.Bytes[3].Single()));
        Assert.True(Math.Abs(BitConverter.Int64BitsToDouble((long)version.Fixed64[1].Single()) - DateTimeOffset.UtcNow.ToUnixTimeSeconds()) < 600);

        Assert.Equal([("train/loss", 0.5f), ("train/lr", 0.125f)], Scalars(records[1]));
        Assert.Equal(10UL, Decode(records[1]).Varints[2].Single());
        Assert.Equal([("val/accuracy/top1", 87.5f)], Scalars(records[2]));
        Assert.Equal(20UL, Decode(records[2]).Varints[2].Single());
    }

    // TFRecord framing: uint64 length, masked CRC-32C of the length bytes, data, masked CRC-32C of the data.
    private static List<byte[]> ReadRecords(byte[] file)
    {
        var records = new List<byte[]>();
        var at = 0;
        while (at < file.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(at, 8));
            Assert.Equal(Crc32C.Masked(file.AsSpan(at, 8)), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 8, 4)));
            var data = file.AsSpan(at + 12, length).ToArray();
            Assert.Equal(Crc32C.Masked(data), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 12 + length, 4)));
            records.Add(data);
            at += 12 + length + 4;
        }
        Assert.Equal(file.Length, at);
        return records;
    }

    private static List<(string Tag, float Value)> Scalars(byte[] eventBytes)
    {
        var summary = Decode(Decode(eventBytes).Bytes[5].Single());
        return summary.Bytes[1].Select(Decode)
            .Select(v => (Encoding.UTF8.GetString(v.Bytes[1].Single()), BitConverter.Int32BitsToSingle((int)v.Fixed32[2].Single())))
            .ToList();
    }

    private sealed class Message
    {
        public Dictionary<int, List<ulong>> Varints { get; } = [];
        public Dictionary<int, List<ulong>> Fixed64 { get; } = [];
        public Dictionary<int, List<uint>> Fixed32 { get; } = [];
        public Dictionary<int, List<byte[]>> Bytes { get; } = [];
    }

    // A minimal protobuf reader: enough wire types for Event, Summary and Summary.Value.
    private static Message Decode(byte[] data)
    {
        var message = new Message();
        var at = 0;
        ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = data[at++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
        }
        static List<T> Field<T>(Dictionary<int, List<T>> fields, int number) =>
            fields.TryGetValue(number, out var list) ? list : fields[number] = [];
        while (at < data.Length)
        {
            var key = Varint();
            var number = (int)(key >> 3);
            switch (key & 7)
            {
                case 0:
                    Field(message.Varints, number).Add(Varint());
                    break;
                case 1:
                    Field(message.Fixed64, number).Add(BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(at, 8)));
                    at += 8;
                    break;
                case 2:
                    var length = (int)Varint();
                    Field(message.Bytes, number).Add(data.AsSpan(at, length).ToArray());
                    at += length;
                    break;
                case 5:
                    Field(message.Fixed32, number).Add(BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at, 4)));
                    at += 4;
                    break;
                default:
                    throw new InvalidDataException($"unexpected wire type {key & 7}");
            }
        }
        return message;
    }
}
