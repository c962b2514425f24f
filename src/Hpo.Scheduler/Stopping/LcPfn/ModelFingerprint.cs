using System.Security.Cryptography;

namespace Hpo.Scheduler.Stopping.LcPfn;

/// <summary>
/// Which LC-PFN model file a process decides with: its path and the SHA-256 of its bytes. Workers record the
/// hash with every LC-PFN decision and bind each experiment to the first model that decides it, so one
/// experiment is never decided by two models.
/// </summary>
/// <param name="Path">The model file, as loaded.</param>
/// <param name="Sha256">The SHA-256 of the file, 64 lower-case hex digits.</param>
public sealed record ModelFingerprint(string Path, string Sha256)
{
    /// <summary>The fingerprint of the model file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static ModelFingerprint Of(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var stream = File.OpenRead(path);
        return new ModelFingerprint(System.IO.Path.GetFullPath(path), Convert.ToHexStringLower(SHA256.HashData(stream)));
    }
}
