using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hpo.Scheduler.SearchSpaces;

namespace Hpo.Workloads;

/// <summary>
/// The first bytes of every built-in workload's checkpoint: a magic string naming the format, the workload (and
/// configuration fingerprint) it belongs to and the epoch it was taken after. Reading checks all three, so a checkpoint
/// of another workload, configuration or epoch, or random bytes, is refused with a message that says which.
/// </summary>
internal static class CheckpointHeader
{
    private const string Magic = "HPO-CHECKPOINT-1";

    /// <summary>A short fingerprint of a configuration (its JSON form's SHA-256, 16 hex digits).</summary>
    public static string Fingerprint(TrialParameters parameters) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(parameters.ToJson())))[..16];

    public static void Write(BinaryWriter writer, string workload, string fingerprint, int epoch)
    {
        writer.Write(Magic);
        writer.Write(workload);
        writer.Write(fingerprint);
        writer.Write(epoch);
    }

    /// <exception cref="InvalidDataException">The bytes are not such a checkpoint, or it is for another workload, configuration or epoch.</exception>
    public static void Read(BinaryReader reader, string workload, string fingerprint, int epoch)
    {
        string magic, storedWorkload, storedFingerprint;
        int storedEpoch;
        try
        {
            magic = reader.ReadString();
            if (magic != Magic)
            {
                throw new InvalidDataException($"The checkpoint is not one of Hpo's workload checkpoints (it does not start with '{Magic}'); it cannot resume workload '{workload}'.");
            }

            storedWorkload = reader.ReadString();
            storedFingerprint = reader.ReadString();
            storedEpoch = reader.ReadInt32();
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or FormatException)
        {
            throw new InvalidDataException($"The checkpoint is truncated or corrupt ({ex.Message}); it cannot resume workload '{workload}'.", ex);
        }

        if (storedWorkload != workload)
        {
            throw new InvalidDataException($"The checkpoint belongs to workload '{storedWorkload}', not '{workload}'.");
        }

        if (storedFingerprint != fingerprint)
        {
            throw new InvalidDataException($"The checkpoint of workload '{workload}' was written for another configuration ({storedFingerprint}) than the one resuming ({fingerprint}).");
        }

        if (storedEpoch != epoch)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"The checkpoint of workload '{workload}' was taken after epoch {storedEpoch}, not after epoch {epoch} as the resume asks."));
        }
    }

    /// <summary>Wraps a failure of the payload after a valid header (a truncated or altered body).</summary>
    public static InvalidDataException Corrupt(string workload, Exception inner) =>
        new($"The checkpoint of workload '{workload}' has a valid header but a corrupt body ({inner.GetType().Name}: {inner.Message}).", inner);
}
