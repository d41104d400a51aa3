using Microsoft.Extensions.Configuration;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Resilience;
using Paygate.Gateway.Routing;

namespace Paygate.Gateway.Tests.Resilience;

/// <summary>The shipped settings (src/Gateway/appsettings.json) say what DESIGN.md says.</summary>
public sealed class ResilienceSettingsTests
{
    private static IConfiguration Shipped() => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false)
        .Build();

    [Fact]
    public void BankTransfer_WaitsAtLeastSixtySecondsBetweenRetries()
    {
        var options = Shipped().GetSection(ResilienceOptions.Section).Get<ResilienceOptions>()!;
        Assert.True(options.For("banktransfer").RetryDelay >= TimeSpan.FromSeconds(60));
        Assert.True(options.For("alipay").RetryDelay < TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// The adapters' HTTP layer sits below the channel pipeline: a host circuit must not outlast the channel circuit (or the
    /// gateway's probe after the channel's break would meet it still open), nor an HTTP attempt outlast the channel's attempt.
    /// </summary>
    [Theory]
    [InlineData("alipay")]
    [InlineData("wechatpay")]
    [InlineData("unionpay")]
    [InlineData("card")]
    [InlineData("banktransfer")]
    [InlineData("swift")]
    public void ChannelHttp_HostCircuitBreaksShorter_AndAttemptsEndNoLater_ThanTheChannelPipeline(string channel)
    {
        var shipped = Shipped();
        TimeSpan Http(string key) =>
            shipped.GetValue<TimeSpan?>($"ChannelHttp:Channels:{channel}:{key}") ?? shipped.GetValue<TimeSpan>($"ChannelHttp:Defaults:{key}");
        var pipeline = shipped.GetSection(ResilienceOptions.Section).Get<ResilienceOptions>()!.For(channel);

        Assert.True(Http("BreakDuration") < pipeline.BreakDuration, $"{channel}: host circuit break {Http("BreakDuration")} vs channel break {pipeline.BreakDuration}");
        Assert.True(Http("AttemptTimeout") <= pipeline.AttemptTimeout, $"{channel}: HTTP attempt {Http("AttemptTimeout")} vs channel attempt {pipeline.AttemptTimeout}");
    }

    [Fact]
    public void DefaultRules_AreTheCheckoutsFromTheDesign()
    {
        var routing = Shipped().GetSection(RoutingOptions.Section).Get<RoutingOptions>()!;
        Assert.Equal(["banktransfer", "card"], routing.Rules[0].Channels);
        Assert.Equal(("enterprise", 500_001L), (routing.Rules[0].When.CustomerType, routing.Rules[0].When.MinAmountMinor));
        Assert.Equal(["alipay", "unionpay"], routing.Rules[1].Channels);
        Assert.Equal("enterprise", routing.Rules[1].When.Device);
        Assert.Equal(["alipay", "wechatpay"], routing.Rules[2].Channels);
    }

    [Fact]
    public void ChannelFault_DeclinesAndOrderAnswersDoNotCountAgainstAChannel()
    {
        Assert.True(ChannelCalls.IsChannelFault(ChannelResult.Unknown(ErrorCatalogue.ChannelTimeout, "TIMEOUT", "")));
        Assert.True(ChannelCalls.IsChannelFault(new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelDown }));
        Assert.False(ChannelCalls.IsChannelFault(new ChannelResult { Outcome = ChannelOutcome.Declined, Error = ErrorCatalogue.InsufficientBalance }));
        Assert.False(ChannelCalls.IsChannelFault(new ChannelResult { Outcome = ChannelOutcome.Failed, Error = ErrorCatalogue.ChannelOrderNotFound }));
    }
}
