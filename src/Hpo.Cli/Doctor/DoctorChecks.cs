using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Hpo.LcPfn.Models;
using Hpo.LcPfn.Native;
using Hpo.LcPfn.Runtime;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;

namespace Hpo.Cli.Doctor;

/// <summary>The real checks behind <c>hpo doctor</c>: each one exercises the component, not just its presence.</summary>
public static class DoctorChecks
{
    /// <summary>Runs every check; <paramref name="database"/> adds the database check.</summary>
    public static async Task<IReadOnlyList<DoctorCheck>> RunAsync(string? database, CancellationToken cancellationToken = default)
    {
        var checks = new List<DoctorCheck>
        {
            DotNet(),
            TorchSharpCheck(),
            OnnxRuntimeCheck(),
            DefaultModel(),
        };
        if (database is not null)
        {
            checks.Add(await DatabaseCheck.RunAsync(database, cancellationToken));
        }

        return checks;
    }

    private static DoctorCheck DotNet() =>
        new(".NET runtime", DoctorStatus.Ok, $"{RuntimeInformation.FrameworkDescription} on {RuntimeInformation.OSDescription} ({RuntimeInformation.ProcessArchitecture}), {Environment.ProcessorCount} cores", Required: true);

    private static DoctorCheck TorchSharpCheck()
    {
        string fix = LibStdCxxFixStatus();
        try
        {
            var sw = Stopwatch.StartNew();
            TorchRuntime.EnsureLoaded();
            using var scope = torch.NewDisposeScope();
            var a = torch.arange(6, torch.float32).reshape(2, 3);
            var b = torch.arange(6, torch.float32).reshape(3, 2);
            float[] c = torch.matmul(a, b).data<float>().ToArray();
            // [[0,1,2],[3,4,5]] x [[0,1],[2,3],[4,5]] = [[10,13],[28,40]]
            bool right = c.SequenceEqual([10f, 13f, 28f, 40f]);
            return new DoctorCheck(
                "TorchSharp",
                right ? DoctorStatus.Ok : DoctorStatus.Fail,
                (right ? "loads and computes (2x3 @ 3x2 matmul correct)" : $"matmul gave wrong result [{string.Join(",", c)}]") +
                $", libtorch threads {torch.get_num_threads()}, {sw.ElapsedMilliseconds} ms; {fix}",
                Required: true);
        }
        catch (Exception ex)
        {
            return new DoctorCheck("TorchSharp", DoctorStatus.Fail, $"{Flatten(ex)}; {fix}", Required: true);
        }
    }

    private static string LibStdCxxFixStatus()
    {
        try
        {
            string? lib = LibStdCxxProbe.FindSystemLibStdCxx();
            if (lib is null)
            {
                return "libstdc++ fix: not applicable (no system libstdc++ found)";
            }

            if (!LibStdCxxProbe.Defines(lib, ElfVersionNeedPatcher.TorchSharpExtraVersion))
            {
                var glue = TorchSharpNativeFix.FindGlueLibraries(AppContext.BaseDirectory);
                bool patched = glue.Count > 0 && glue.All(g => ElfVersionNeedPatcher.ReadRequirements(File.ReadAllBytes(g))
                    .Where(r => r.Version == ElfVersionNeedPatcher.TorchSharpExtraVersion).All(r => r.IsWeak));
                return $"libstdc++ fix: needed ({lib} lacks {ElfVersionNeedPatcher.TorchSharpExtraVersion}), " + (patched ? "applied" : "NOT applied");
            }

            return $"libstdc++ fix: not needed ({lib} has {ElfVersionNeedPatcher.TorchSharpExtraVersion})";
        }
        catch (Exception ex)
        {
            return $"libstdc++ fix: could not inspect ({ex.Message})";
        }
    }

    private static DoctorCheck OnnxRuntimeCheck()
    {
        try
        {
            var providers = OrtEnv.Instance().GetAvailableProviders();
            return new DoctorCheck("ONNX Runtime", DoctorStatus.Ok, $"loads; version {OrtEnv.Instance().GetVersionString()}; providers {string.Join(", ", providers)}", Required: true);
        }
        catch (Exception ex)
        {
            return new DoctorCheck("ONNX Runtime", DoctorStatus.Fail, Flatten(ex), Required: true);
        }
    }

    private static DoctorCheck DefaultModel()
    {
        string? path = DefaultModelLocator.Find();
        if (path is null)
        {
            return new DoctorCheck("default LC-PFN model", DoctorStatus.Fail, $"{DefaultModelLocator.FileName} not found (looked in: {string.Join(", ", DefaultModelLocator.Candidates().Take(3))}, …); set {DefaultModelLocator.EnvironmentVariable} or pass --model", Required: true);
        }

        try
        {
            // Loading verifies the format version and the checksum, so a truncated or corrupted file fails here.
            using var model = LcPfnModel.Load(path);
            var a = model.Architecture;
            return new DoctorCheck(
                "default LC-PFN model",
                DoctorStatus.Ok,
                string.Create(CultureInfo.InvariantCulture, $"{path} ({new FileInfo(path).Length / 1024} KiB): emsize {a.EmbeddingSize}, {a.Layers} layers, {a.Buckets} buckets, {model.Metadata.CurvesSeen:N0} curves seen"),
                Required: true);
        }
        catch (Exception ex)
        {
            return new DoctorCheck("default LC-PFN model", DoctorStatus.Fail, $"{path}: {Flatten(ex)}", Required: true);
        }
    }

    internal static string Flatten(Exception ex)
    {
        var parts = new List<string>();
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            parts.Add(e.Message);
        }

        return string.Join(" -> ", parts.Distinct());
    }
}
