using System.Globalization;
using System.Text;
using System.Text.Json;
using Hpo.Scheduler.Persistence;
using Hpo.Storage.Configuration;

namespace Hpo.Storage.Validation;

/// <summary>
/// The store's checks on everything it is given, run before anything is written. Each failure is an
/// <see cref="HpoValidationException"/> whose message starts with the offending field.
/// </summary>
internal sealed class InputValidator(HpoStorageOptions options)
{
    private const int MaxNameLength = 200;
    private const int MaxPolicyLength = 64;
    private const int MaxHostLength = 255;

    public void Experiment(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Name(nameof(spec.Name), spec.Name, MaxNameLength);
        Name(nameof(spec.MetricName), spec.MetricName, MaxNameLength);
        Defined(nameof(spec.Direction), spec.Direction);
        FiniteOrNull(nameof(spec.MetricLowerBound), spec.MetricLowerBound);
        FiniteOrNull(nameof(spec.MetricUpperBound), spec.MetricUpperBound);
        if (spec.MetricLowerBound is { } lower && spec.MetricUpperBound is { } upper && lower >= upper)
        {
            throw Fail(nameof(spec.MetricLowerBound), $"{Format(lower)} must be below MetricUpperBound {Format(upper)}.");
        }

        if (spec.MaxEpochs < 1 || spec.MaxEpochs > options.MaxEpochsLimit)
        {
            throw Fail(nameof(spec.MaxEpochs), $"{spec.MaxEpochs} is outside 1–{options.MaxEpochsLimit}.");
        }

        JsonObject(nameof(spec.SearchSpaceJson), spec.SearchSpaceJson, options.MaxJsonBytes);
        JsonObject(nameof(spec.TunerJson), spec.TunerJson, options.MaxJsonBytes);
        JsonObject(nameof(spec.PolicyJson), spec.PolicyJson, options.MaxJsonBytes);
        if (spec.SettingsJson is not null)
        {
            JsonObject(nameof(spec.SettingsJson), spec.SettingsJson, options.MaxJsonBytes);
        }
    }

    public void ParametersSize(string parametersJson)
    {
        if (parametersJson is null)
        {
            throw Fail("ParametersJson", "is missing.");
        }

        int bytes = Encoding.UTF8.GetByteCount(parametersJson);
        if (bytes > options.MaxParametersBytes)
        {
            throw Fail("ParametersJson", $"is {bytes} bytes; the limit is {options.MaxParametersBytes}.");
        }

        NoNulCharacter("ParametersJson", parametersJson);
    }

    public static void Status(ExperimentStatus status) => Defined("status", status);

    public void Page(int pageNumber, int pageSize)
    {
        if (pageNumber < 1)
        {
            throw Fail("pageNumber", $"{pageNumber} must be ≥ 1.");
        }

        if (pageSize < 1 || pageSize > options.MaxPageSize)
        {
            throw Fail("pageSize", $"{pageSize} is outside 1–{options.MaxPageSize}.");
        }
    }

    public static void Worker(string workerId) => Name("workerId", workerId, MaxNameLength);

    public static void Host(string host) => Name("host", host, MaxHostLength);

    public static void LeaseDuration(TimeSpan leaseDuration)
    {
        if (leaseDuration <= TimeSpan.Zero || leaseDuration > TimeSpan.FromDays(7))
        {
            throw Fail("leaseDuration", $"{leaseDuration} must be positive and at most 7 days.");
        }
    }

    public static void Lease(TrialLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        if (lease.Token == Guid.Empty)
        {
            throw Fail("lease.Token", "is empty; use the lease ClaimTrialAsync returned.");
        }
    }

    public void Finish(TrialStatus status, string? detail)
    {
        if (status is not (TrialStatus.Completed or TrialStatus.Stopped or TrialStatus.Failed))
        {
            throw Fail("status", $"{status} is not a final status; use Completed, Stopped or Failed.");
        }

        Text("detail", detail);
    }

    /// <summary>An epoch's value and decision written together (<see cref="IExperimentStore.TryRecordEpochAsync"/>).</summary>
    public void EpochWrite(TrialLease lease, int epoch, double value, DecisionRecord decision, TrialStatus? finishAs)
    {
        Decision(lease, decision);
        Epoch("epoch", epoch);
        FiniteValue("value", value);
        if (decision.Epoch != epoch)
        {
            throw Fail("decision.Epoch", $"{decision.Epoch} is not the epoch {epoch} it is recorded with.");
        }

        if (finishAs is { } end && !(end == TrialStatus.Stopped ? decision.Action == DecisionAction.Stop : end == TrialStatus.Completed && decision.Action == DecisionAction.Continue))
        {
            throw Fail("finishAs", $"{end} does not fit a {decision.Action} decision: an epoch's write ends a trial as Stopped with a Stop decision, as Completed with a Continue decision, or not at all.");
        }
    }

    public void Observations(IReadOnlyList<(int Epoch, double Value)> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        if (observations.Count == 0 || observations.Count > options.MaxBatchSize)
        {
            throw Fail("observations", $"holds {observations.Count} items; a batch holds 1–{options.MaxBatchSize}.");
        }

        var seen = new Dictionary<int, double>(observations.Count);
        for (int i = 0; i < observations.Count; i++)
        {
            var (epoch, value) = observations[i];
            string field = observations.Count == 1 ? "epoch" : $"observations[{i}].Epoch";
            Epoch(field, epoch);
            FiniteValue(observations.Count == 1 ? "value" : $"observations[{i}].Value", value);
            if (seen.TryGetValue(epoch, out double earlier) && !earlier.Equals(value))
            {
                throw Fail(field, $"{epoch} appears twice in the batch with different values ({Format(earlier)} and {Format(value)}).");
            }

            seen[epoch] = value;
        }
    }

    public static void EpochWithin(string field, int epoch, int maxEpochs)
    {
        if (epoch > maxEpochs)
        {
            throw Fail(field, $"{epoch} is above the experiment's MaxEpochs {maxEpochs}.");
        }
    }

    public void Decision(TrialLease lease, DecisionRecord decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.TrialId != lease.TrialId)
        {
            throw Fail("decision.TrialId", $"{decision.TrialId} is not the leased trial {lease.TrialId}.");
        }

        Epoch("decision.Epoch", decision.Epoch);
        Defined("decision.Action", decision.Action);
        Name("decision.Policy", decision.Policy, MaxPolicyLength);
        FiniteOrNull("decision.ProbabilityOfImprovement", decision.ProbabilityOfImprovement);
        if (decision.ProbabilityOfImprovement is < 0 or > 1)
        {
            throw Fail("decision.ProbabilityOfImprovement", $"{Format(decision.ProbabilityOfImprovement!.Value)} is outside 0–1.");
        }

        FiniteOrNull("decision.PredictedMedian", decision.PredictedMedian);
        FiniteOrNull("decision.PredictedLow", decision.PredictedLow);
        FiniteOrNull("decision.PredictedHigh", decision.PredictedHigh);
        if (decision.PredictedLow is { } low && decision.PredictedHigh is { } high && low > high)
        {
            throw Fail("decision.PredictedLow", $"{Format(low)} is above PredictedHigh {Format(high)}.");
        }

        Text("decision.Reason", decision.Reason);
        if (decision.ModelSha256 is { } sha && (sha.Length != 64 || !sha.All(char.IsAsciiHexDigitLower)))
        {
            throw Fail("decision.ModelSha256", $"'{sha}' is not 64 lower-case hex digits.");
        }
    }

    public void CurveRequest(IReadOnlyCollection<long> trialIds)
    {
        ArgumentNullException.ThrowIfNull(trialIds);
        if (trialIds.Count > options.MaxCurveTrials)
        {
            throw Fail("trialIds", $"holds {trialIds.Count} ids; one read takes at most {options.MaxCurveTrials}.");
        }
    }

    private static void Epoch(string field, int epoch)
    {
        if (epoch < 1)
        {
            throw Fail(field, $"{epoch} is not a valid epoch; epochs count from 1.");
        }
    }

    private static void FiniteValue(string field, double value)
    {
        if (!double.IsFinite(value))
        {
            throw Fail(field, $"{Format(value)} is not a finite number.");
        }
    }

    private static void FiniteOrNull(string field, double? value)
    {
        if (value is { } v)
        {
            FiniteValue(field, v);
        }
    }

    private static void Defined<TEnum>(string field, TEnum value)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw Fail(field, $"{value} is not one of {string.Join(", ", Enum.GetNames<TEnum>())}.");
        }
    }

    private static void Name(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Fail(field, "is empty.");
        }

        if (value.Length > maxLength)
        {
            throw Fail(field, $"is {value.Length} characters; the limit is {maxLength}.");
        }

        if (value.Any(char.IsControl))
        {
            throw Fail(field, "contains control characters.");
        }
    }

    private void Text(string field, string? value)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length > options.MaxTextLength)
        {
            throw Fail(field, $"is {value.Length} characters; the limit is {options.MaxTextLength}.");
        }

        NoNulCharacter(field, value);
    }

    private static void JsonObject(string field, string? json, int maxBytes)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw Fail(field, "is empty; give a JSON object.");
        }

        int bytes = Encoding.UTF8.GetByteCount(json);
        if (bytes > maxBytes)
        {
            throw Fail(field, $"is {bytes} bytes; the limit is {maxBytes}.");
        }

        NoNulCharacter(field, json);
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Fail(field, $"is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}; it must be a JSON object.");
            }
        }
        catch (JsonException ex)
        {
            throw new HpoValidationException($"{field} is not valid JSON: {ex.Message}", ex);
        }
    }

    // PostgreSQL text and jsonb cannot hold U+0000, so it is refused on both engines alike.
    private static void NoNulCharacter(string field, string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal) || value.Contains("\\u0000", StringComparison.OrdinalIgnoreCase))
        {
            throw Fail(field, "contains a NUL character (U+0000).");
        }
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static HpoValidationException Fail(string field, string problem) => new($"{field} {problem}");
}
