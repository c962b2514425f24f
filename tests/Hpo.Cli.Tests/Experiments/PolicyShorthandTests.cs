using Hpo.Cli.Experiments;

namespace Hpo.Cli.Tests.Experiments;

public sealed class PolicyShorthandTests
{
    [Theory]
    [InlineData("lcpfn", """{"type":"lcpfn"}""")]
    [InlineData("lcpfn:0.01", """{"type":"lcpfn","delta":0.01}""")]
    [InlineData("patience:3", """{"type":"patience","k":3}""")]
    [InlineData("ASHA:4", """{"type":"asha","eta":4}""")]
    [InlineData("none", """{"type":"none"}""")]
    [InlineData("""{"type":"median","minEpochs":3}""", """{"type":"median","minEpochs":3}""")]
    public void Parse_KnownForms_GivePolicyJson(string text, string expected)
    {
        Assert.Equal(expected, PolicyShorthand.Parse(text).ToJsonString());
    }

    [Theory]
    [InlineData("magic", "not a known policy")]
    [InlineData("none:1", "takes no setting")]
    [InlineData("patience:x", "'x' is not a number")]
    [InlineData("{\"type\":", "not valid JSON")]
    public void Parse_BadForms_ThrowNamingTheProblem(string text, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => PolicyShorthand.Parse(text));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
