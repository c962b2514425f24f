using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Hpo.LcPfn.Models;

/// <summary>
/// The binary container of a <c>.lcpfn</c> file:
/// <c>"HPOLCPFN"</c> magic (8 bytes), format version (uint32 LE), payload length (int64 LE), payload,
/// SHA-256 of the payload (32 bytes). The payload holds a JSON header, the bucket borders (float64),
/// named float32 tensors and optional named byte sections (e.g. optimizer state in checkpoints).
/// </summary>
internal static class ModelFileFormat
{
    public const int FormatVersion = 1;

    private static readonly byte[] Magic = "HPOLCPFN"u8.ToArray();
    private const int PrefixLength = 8 + 4 + 8;
    private const int HashLength = 32;

    public sealed record Contents(
        string HeaderJson,
        double[] Borders,
        IReadOnlyList<(string Name, long[] Shape, float[] Data)> Tensors,
        IReadOnlyDictionary<string, byte[]> Sections);

    public static void WriteAtomically(string path, Contents contents)
    {
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        // Write beside the target and rename, so an interrupted write never leaves a half file under the real name.
        string temp = full + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                Write(stream, contents);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    public static void Write(Stream stream, Contents contents)
    {
        using var payload = new MemoryStream();
        using (var w = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(contents.HeaderJson);
            w.Write(contents.Borders.Length);
            w.Write(MemoryMarshal.AsBytes(contents.Borders.AsSpan()));
            w.Write(contents.Tensors.Count);
            foreach (var (name, shape, data) in contents.Tensors)
            {
                w.Write(name);
                w.Write(shape.Length);
                foreach (long d in shape)
                {
                    w.Write(d);
                }

                w.Write(data.Length);
                w.Write(MemoryMarshal.AsBytes(data.AsSpan()));
            }

            w.Write(contents.Sections.Count);
            foreach (var (name, bytes) in contents.Sections)
            {
                w.Write(name);
                w.Write(bytes.Length);
                w.Write(bytes);
            }
        }

        var payloadBytes = payload.GetBuffer().AsSpan(0, (int)payload.Length);
        Span<byte> prefix = stackalloc byte[PrefixLength];
        Magic.CopyTo(prefix);
        BinaryPrimitives.WriteUInt32LittleEndian(prefix[8..], FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(prefix[12..], payloadBytes.Length);
        stream.Write(prefix);
        stream.Write(payloadBytes);
        stream.Write(SHA256.HashData(payloadBytes));
    }

    public static Contents Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        }

        byte[] bytes = File.ReadAllBytes(path);
        return Read(bytes, path);
    }

    public static Contents Read(byte[] bytes, string source)
    {
        if (bytes.Length < Magic.Length || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new LcPfnModelFormatException($"'{source}' is not an LC-PFN model file (it does not start with the HPOLCPFN signature).");
        }

        if (bytes.Length < PrefixLength)
        {
            throw new LcPfnModelFormatException($"'{source}' is truncated: {bytes.Length} bytes, shorter than the file header.");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        if (version != FormatVersion)
        {
            throw new LcPfnModelFormatException($"'{source}' has model format version {version}; this build of Hpo reads version {FormatVersion}.");
        }

        long length = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(12));
        long expected = PrefixLength + length + HashLength;
        if (length < 0 || bytes.Length < expected)
        {
            throw new LcPfnModelFormatException($"'{source}' is truncated: {bytes.Length} bytes, but its header announces {expected}.");
        }

        if (bytes.Length > expected)
        {
            throw new LcPfnModelFormatException($"'{source}' is corrupted: {bytes.Length - expected} unexpected bytes after the checksum.");
        }

        var payload = bytes.AsSpan(PrefixLength, (int)length);
        if (!SHA256.HashData(payload).AsSpan().SequenceEqual(bytes.AsSpan(PrefixLength + (int)length, HashLength)))
        {
            throw new LcPfnModelFormatException($"'{source}' is corrupted: its SHA-256 checksum does not match its contents.");
        }

        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes, PrefixLength, (int)length, writable: false), Encoding.UTF8);
            string header = r.ReadString();
            var borders = new double[r.ReadInt32()];
            r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(borders.AsSpan()));
            int tensorCount = r.ReadInt32();
            var tensors = new List<(string, long[], float[])>(tensorCount);
            for (int t = 0; t < tensorCount; t++)
            {
                string name = r.ReadString();
                var shape = new long[r.ReadInt32()];
                for (int d = 0; d < shape.Length; d++)
                {
                    shape[d] = r.ReadInt64();
                }

                var data = new float[r.ReadInt32()];
                r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan()));
                tensors.Add((name, shape, data));
            }

            int sectionCount = r.ReadInt32();
            var sections = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            for (int s = 0; s < sectionCount; s++)
            {
                string name = r.ReadString();
                sections[name] = r.ReadBytes(r.ReadInt32());
            }

            return new Contents(header, borders, tensors, sections);
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or OverflowException or OutOfMemoryException or ArgumentException)
        {
            // The checksum matched, so this is a file written by a broken writer, not a damaged copy.
            throw new LcPfnModelFormatException($"'{source}' has a valid checksum but an unreadable payload: {ex.Message}", ex);
        }
    }
}
