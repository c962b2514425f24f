namespace Hpo.LcPfn.Native;

/// <summary>What <see cref="ElfVersionNeedPatcher"/> did to a version requirement.</summary>
public enum ElfPatchOutcome
{
    /// <summary>The requirement was mandatory and is now weak (optional).</summary>
    Patched,

    /// <summary>The requirement was already weak; nothing was written.</summary>
    AlreadyWeak,

    /// <summary>The object does not require that version at all; nothing was written.</summary>
    VersionNotRequired,

    /// <summary>The fix is not needed on this system (its libstdc++ has the version); nothing was written.</summary>
    NotNeeded,
}
