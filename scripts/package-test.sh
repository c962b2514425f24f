#!/usr/bin/env bash
# The proof from outside the repository: packs Hpo to a local folder feed, then, in fresh temporary
# folders that know nothing of this repository,
#   1. creates a console app (`dotnet new console`), adds the Hpo.Scheduler and Hpo.LcPfn packages from
#      the feed, and runs a 10-trial tuning of a small synthetic workload with LC-PFN early stopping
#      (the default model and, on Debian 12, the libstdc++ fix come from the Hpo.LcPfn package alone), and
#      checks that Hpo.Scheduler, Hpo.Storage and Hpo.Workers depend on no ML package;
#   2. installs the `hpo` tool from the feed (`dotnet tool install --tool-path`) and runs `hpo doctor`
#      and a short `hpo demo` in an empty folder;
#   3. copies the working tree as a fresh clone would have it (tracked and new files, nothing ignored:
#      no bin/ or obj/), runs `dotnet build src/Hpo.Cli -o DIR` and `dotnet publish src/Hpo.Cli -o DIR`
#      there, and runs `hpo doctor` from both folders (one full compile: HPO_PACKAGE_TEST_CLONE=0 skips
#      this part).
# Each run packs a unique pre-release version (so a stale copy in the NuGet cache is never used) and
# removes it, its temporary folders and its cache entries afterwards. Exits non-zero on any failure.
# scripts/test.sh runs it after the tests; it builds the packable projects first (incremental).
#
# Usage: scripts/package-test.sh [--keep]   (--keep leaves the temporary folders for inspection)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
keep=false
case "${1:-}" in
  --keep) keep=true ;;
  -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) echo "package-test.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
esac

log() { printf '[package-test] %s\n' "$*" >&2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

work="$(mktemp -d -t hpo-package-test-XXXXXX)"
version="0.1.0-pkgtest.$(date -u +%Y%m%d%H%M%S).$$"
packages_dir="$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')"
cleanup() {
  local status=$?
  for id in hpo.lcpfn hpo.scheduler hpo.storage hpo.workers hpo; do
    rm -rf "${packages_dir%/}/$id/$version"
    rmdir --ignore-fail-on-non-empty "${packages_dir%/}/$id" 2>/dev/null || true
  done
  if [ "$keep" = true ]; then log "kept $work"; else rm -rf "$work"; fi
  exit "$status"
}
trap cleanup EXIT INT TERM

feed="$work/feed"
start=$SECONDS
log "building and packing $version to $feed"
dotnet build "$repo/eng/Hpo.Packages.slnf" -c Release -v quiet -nologo >"$work/build.log" 2>&1 || { tail -n 40 "$work/build.log" >&2; exit 1; }
dotnet pack "$repo/eng/Hpo.Packages.slnf" -c Release --no-build -o "$feed" -p:Version="$version" -v quiet -nologo >"$work/pack.log" 2>&1 || { tail -n 40 "$work/pack.log" >&2; exit 1; }
for id in Hpo.Scheduler Hpo.LcPfn Hpo.Workloads Hpo.Storage Hpo.Workers hpo; do
  [ -f "$feed/$id.$version.nupkg" ] || { log "missing package $id.$version.nupkg"; ls "$feed" >&2; exit 1; }
done
log "packed in $((SECONDS - start)) s: $(cd "$feed" && ls | tr '\n' ' ')"
# The core and the store carry no ML stack: no TorchSharp, ML.NET, ONNX Runtime or Hpo.LcPfn among their
# package dependencies (the LC-PFN is a plug-in the application adds).
for id in Hpo.Scheduler Hpo.Storage Hpo.Workers; do
  ml="$(unzip -p "$feed/$id.$version.nupkg" "$id.nuspec" | grep -oE 'id="(TorchSharp|libtorch[^"]*|Microsoft\.ML[^"]*|Hpo\.LcPfn|Hpo\.Workloads)"' || true)"
  [ -z "$ml" ] || { log "$id depends on the ML stack: $ml"; exit 1; }
done

# 1. A console app that knows only the feed.
app="$work/app"
mkdir -p "$app"
cd "$app"
dotnet new console --framework net10.0 --name TuneSynthetic --output . >/dev/null
cat >nuget.config <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="hpo-local-feed" value="$feed" />
  </packageSources>
</configuration>
EOF
dotnet add package Hpo.Scheduler --version "$version" >/dev/null
dotnet add package Hpo.LcPfn --version "$version" >/dev/null
dotnet add package Microsoft.Extensions.DependencyInjection --version 10.0.15 >/dev/null
cat >Program.cs <<'EOF'
using Hpo.LcPfn.DependencyInjection;
using Hpo.LcPfn.Models;
using Hpo.Scheduler.DependencyInjection;
using Hpo.Scheduler.Experiments;
using Hpo.Scheduler.Persistence;
using Hpo.Scheduler.SearchSpaces;
using Hpo.Scheduler.Stopping;
using Hpo.Scheduler.Workloads;
using Microsoft.Extensions.DependencyInjection;

// The default model comes with the Hpo.LcPfn package (models/ beside this app); AddHpoLcPfn plugs it
// into the scheduler's lcpfn policy.
var services = new ServiceCollection();
services.AddHpoInMemoryStore();
services.AddHpoLcPfn(DefaultModelLocator.Require());
services.AddHpoScheduler();
await using var provider = services.BuildServiceProvider();
var runner = provider.GetRequiredService<ExperimentRunner>();

const string space = """{"rate":{"type":"float","low":0.02,"high":1,"log":true},"ceiling":{"type":"float","low":0.2,"high":0.95}}""";
var spec = new ExperimentSpec("synthetic-lcpfn", "val_accuracy", MetricDirection.Maximize, 0, 1, 30,
    space, """{"type":"random"}""", StoppingPolicyFactory.DefaultPolicyJson);
var summary = await runner.RunAsync(spec, new SyntheticWorkload(), new ExperimentOptions { MaxTrials = 10, Concurrency = 2, Seed = 1 });
Console.WriteLine($"policy {spec.PolicyJson}; trials {summary.Trials}, completed {summary.Completed}, stopped early {summary.StoppedEarly}, " +
    $"failed {summary.Failed}; best {summary.BestValue:F4} (trial {summary.BestTrialNumber}); epochs {summary.EpochsUsed} of {summary.EpochsWithoutStopping} ({summary.EpochSpeedup:F2}x fewer)");
return summary.Trials == 10 && summary.Failed == 0 && summary.StoppedEarly > 0 ? 0 : 1;

/// <summary>Saturating curves: ceiling·(1 − e^(−rate·epoch)), so some configurations are clearly hopeless.</summary>
internal sealed class SyntheticWorkload : IWorkload
{
    public string Name => "synthetic";
    public string MetricName => "val_accuracy";
    public bool HigherIsBetter => true;

    public Task<IWorkloadRun> StartAsync(TrialParameters parameters, int seed, int resumeAfterEpoch = 0, CancellationToken cancellationToken = default) =>
        Task.FromResult<IWorkloadRun>(new Run(parameters.GetDouble("rate"), parameters.GetDouble("ceiling")));

    private sealed class Run(double rate, double ceiling) : IWorkloadRun
    {
        public Task<double> TrainEpochAsync(int epoch, CancellationToken cancellationToken = default) =>
            Task.FromResult(ceiling * (1 - Math.Exp(-rate * epoch)));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
EOF
step=$SECONDS
log "console app: restore and build against the feed"
dotnet build -c Release -v quiet -nologo -o "$app/out" >"$work/app-build.log" 2>&1 || { tail -n 40 "$work/app-build.log" >&2; exit 1; }
[ -f "$app/out/models/lcpfn-default.lcpfn" ] || { log "the default model did not come with the Hpo.LcPfn package"; exit 1; }
other_rids="$(find "$app/out/runtimes" -mindepth 1 -maxdepth 1 -type d ! -name linux-x64 ! -name linux ! -name unix -printf '%f ' 2>/dev/null || true)"
[ -z "$other_rids" ] || { log "native assets for other RIDs were copied: $other_rids"; exit 1; }
log "console app built in $((SECONDS - step)) s ($(du -sh "$app/out" | cut -f1)); running the 10-trial tuning"
step=$SECONDS
dotnet "$app/out/TuneSynthetic.dll"
log "tuning done in $((SECONDS - step)) s"

# 2. The tool, in an empty folder.
tools="$work/tools"
empty="$work/empty"
mkdir -p "$empty"
step=$SECONDS
dotnet tool install --tool-path "$tools" --add-source "$feed" --version "$version" hpo >/dev/null
log "tool installed in $((SECONDS - step)) s"
cd "$empty"
"$tools/hpo" --version
"$tools/hpo" doctor
step=$SECONDS
"$tools/hpo" demo --trials 4 --epochs 3 --concurrency 2 --db "$empty/hpo.db"
log "demo done in $((SECONDS - step)) s"

# 3. dotnet build -o / dotnet publish -o on a fresh clone.
if [ "${HPO_PACKAGE_TEST_CLONE:-1}" = 0 ]; then
  log "HPO_PACKAGE_TEST_CLONE=0: fresh-clone build/publish -o skipped; package test passed in $((SECONDS - start)) s"
  exit 0
fi
clone="$work/clone"
mkdir -p "$clone"
(cd "$repo" && git ls-files --cached --others --exclude-standard -z | while IFS= read -r -d '' f; do if [ -e "$f" ]; then printf '%s\0' "$f"; fi; done | tar --null -T - -cf -) | tar -xf - -C "$clone"
step=$SECONDS
for verb in build publish; do
  out="$work/$verb-o"
  dotnet "$verb" "$clone/src/Hpo.Cli" -c Release -o "$out" -v quiet -nologo >"$work/$verb-o.log" 2>&1 || { tail -n 40 "$work/$verb-o.log" >&2; exit 1; }
  [ ! -e "$out/Hpo.ElfPatch.dll" ] || { log "dotnet $verb -o put the patch tool into $out"; exit 1; }
  (cd "$empty" && "$out/hpo" doctor >"$work/$verb-o-doctor.txt") || { cat "$work/$verb-o-doctor.txt" >&2; exit 1; }
  log "dotnet $verb -o on a fresh clone: hpo doctor passes ($(du -sh "$out" | cut -f1))"
done
log "fresh-clone build and publish done in $((SECONDS - step)) s; package test passed in $((SECONDS - start)) s"
