using System.Buffers.Binary;

namespace VaeLib.Tests.Training;

/// <summary>Reads a TensorBoard event file (shared with VaeLib.Cli.Tests): TFRecord framing of length (8 bytes), its CRC (4), the Event, its CRC (4).</summary>
internal static class TensorBoardEvents
{
    public static List<Tensorboard.Event> Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var events = new List<Tensorboard.Event>();
        for (int at = 0; at < bytes.Length;)
        {
            int length = checked((int)BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at, 8)));
            events.Add(Tensorboard.Event.Parser.ParseFrom(bytes, at + 12, length));
            at += 12 + length + 4;
        }

        return events;
    }
}
