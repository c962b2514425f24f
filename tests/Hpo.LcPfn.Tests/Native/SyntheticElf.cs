using System.Buffers.Binary;
using System.Text;

namespace Hpo.LcPfn.Tests.Native;

/// <summary>Builds minimal little-endian ELF64 images with GNU version sections, for parser tests.</summary>
internal static class SyntheticElf
{
    private const uint ShtStrtab = 3;
    private const uint ShtVerneed = 0x6ffffffe;
    private const uint ShtVerdef = 0x6ffffffd;

    public static byte[] Build(params (string Library, string[] Versions)[] needs)
    {
        var strings = new StringTable();
        var body = new List<byte>();
        for (int i = 0; i < needs.Length; i++)
        {
            var (library, versions) = needs[i];
            var verneed = new byte[16];
            BinaryPrimitives.WriteUInt16LittleEndian(verneed.AsSpan(0), 1);
            BinaryPrimitives.WriteUInt16LittleEndian(verneed.AsSpan(2), (ushort)versions.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(verneed.AsSpan(4), strings.Add(library));
            BinaryPrimitives.WriteUInt32LittleEndian(verneed.AsSpan(8), 16);
            uint size = (uint)(16 + (16 * versions.Length));
            BinaryPrimitives.WriteUInt32LittleEndian(verneed.AsSpan(12), i == needs.Length - 1 ? 0 : size);
            body.AddRange(verneed);
            for (int j = 0; j < versions.Length; j++)
            {
                var aux = new byte[16];
                BinaryPrimitives.WriteUInt32LittleEndian(aux.AsSpan(0), (uint)versions[j].GetHashCode(StringComparison.Ordinal));
                BinaryPrimitives.WriteUInt16LittleEndian(aux.AsSpan(4), 0);
                BinaryPrimitives.WriteUInt16LittleEndian(aux.AsSpan(6), (ushort)(j + 2));
                BinaryPrimitives.WriteUInt32LittleEndian(aux.AsSpan(8), strings.Add(versions[j]));
                BinaryPrimitives.WriteUInt32LittleEndian(aux.AsSpan(12), j == versions.Length - 1 ? 0 : 16u);
                body.AddRange(aux);
            }
        }

        return Assemble(strings, body.ToArray(), ShtVerneed, (uint)needs.Length);
    }

    public static byte[] BuildWithDefinitions(params string[] versions)
    {
        var strings = new StringTable();
        var body = new List<byte>();
        for (int i = 0; i < versions.Length; i++)
        {
            var verdef = new byte[20];
            BinaryPrimitives.WriteUInt16LittleEndian(verdef.AsSpan(0), 1);
            BinaryPrimitives.WriteUInt16LittleEndian(verdef.AsSpan(4), (ushort)(i + 1));
            BinaryPrimitives.WriteUInt16LittleEndian(verdef.AsSpan(6), 1);
            BinaryPrimitives.WriteUInt32LittleEndian(verdef.AsSpan(12), 20);
            BinaryPrimitives.WriteUInt32LittleEndian(verdef.AsSpan(16), i == versions.Length - 1 ? 0 : 28u);
            body.AddRange(verdef);
            var aux = new byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(aux.AsSpan(0), strings.Add(versions[i]));
            body.AddRange(aux);
        }

        return Assemble(strings, body.ToArray(), ShtVerdef, (uint)versions.Length);
    }

    private static byte[] Assemble(StringTable strings, byte[] versionSection, uint versionType, uint count)
    {
        byte[] dynstr = strings.ToArray();
        int dynstrOffset = 64;
        int versionOffset = dynstrOffset + dynstr.Length;
        int shoff = versionOffset + versionSection.Length;
        shoff = (shoff + 7) & ~7;
        var image = new byte[shoff + (3 * 64)];
        image[0] = 0x7f;
        image[1] = (byte)'E';
        image[2] = (byte)'L';
        image[3] = (byte)'F';
        image[4] = 2;
        image[5] = 1;
        image[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(16), 3);
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(18), 62);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(40), (ulong)shoff);
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(52), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(58), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(60), 3);
        dynstr.CopyTo(image, dynstrOffset);
        versionSection.CopyTo(image, versionOffset);
        WriteSection(image, shoff + 64, ShtStrtab, dynstrOffset, dynstr.Length, 0, 0);
        WriteSection(image, shoff + 128, versionType, versionOffset, versionSection.Length, 1, count);
        return image;
    }

    private static void WriteSection(byte[] image, int at, uint type, int offset, int size, uint link, uint info)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(at + 4), type);
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(at + 24), (ulong)offset);
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(at + 32), (ulong)size);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(at + 40), link);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(at + 44), info);
    }

    private sealed class StringTable
    {
        private readonly List<byte> _bytes = [0];

        public uint Add(string s)
        {
            uint at = (uint)_bytes.Count;
            _bytes.AddRange(Encoding.ASCII.GetBytes(s));
            _bytes.Add(0);
            return at;
        }

        public byte[] ToArray() => _bytes.ToArray();
    }
}
