using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Paygate.Gateway.Risk.Indicators;

namespace Paygate.Gateway.Tests.Risk.Indicators;

public sealed class RiskAlertOptionsValidatorTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddRiskIndicators().BuildServiceProvider();
    }

    [Fact]
    public void BadRules_StopTheStart_NamingEachRuleAndWhy()
    {
        using var services = Services(new()
        {
            ["Risk:Alerts:0:Name"] = "decline-rate-high",
            ["Risk:Alerts:0:Indicator"] = "decline_rate",
            ["Risk:Alerts:0:Threshold"] = "1.5",
            ["Risk:Alerts:1:Name"] = "spike",
            ["Risk:Alerts:1:Indicator"] = "payments_per_minute",
            ["Risk:Alerts:1:Kind"] = "trend",
            ["Risk:Alerts:1:Factor"] = "0.5",
            ["Risk:Alerts:1:Windows"] = "500",
            ["Risk:Alerts:2:Name"] = "typo",
            ["Risk:Alerts:2:Indicator"] = "declines",
            ["Risk:Alerts:2:Threshold"] = "3",
            ["Risk:Alerts:3:Name"] = "typo",
            ["Risk:Alerts:3:Indicator"] = "payments_per_day",
            ["Risk:Alerts:3:Kind"] = "sometimes",
            ["Risk:Alerts:3:MinVolume"] = "0",
        });

        // What the host runs before it starts (ValidateOnStart).
        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(
        [
            "Risk:Alerts rule 'decline-rate-high': Threshold 1.5 is a share and must be below 1 (a share is never above 1)",
            "Risk:Alerts rule 'spike': Factor must be above 1 for a trend rule (the value against the baseline)",
            "Risk:Alerts rule 'spike': Windows must be from 1 to 60 for payments_per_minute",
            "Risk:Alerts rule 'typo': Indicator 'declines' is not one of payments_per_minute, payments_per_day, decline_rate, abnormal_ip_share",
            "Risk:Alerts rule 'typo': Name is used by another rule",
            "Risk:Alerts rule 'typo': MinVolume must be at least 1",
            "Risk:Alerts rule 'typo': Kind 'sometimes' is not 'threshold' or 'trend'",
        ], ex.Failures);
    }

    [Fact]
    public void ThresholdRule_WithoutAThreshold_IsRefused()
    {
        using var services = Services(new() { ["Risk:Alerts:0:Name"] = "n", ["Risk:Alerts:0:Indicator"] = "payments_per_day" });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Equal(["Risk:Alerts rule 'n': Threshold is required for a threshold rule"], ex.Failures);
    }

    [Fact]
    public void ShippedRules_AreValid_AndWatchEveryIndicator()
    {
        var shipped = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(shipped).AddLogging().AddRiskIndicators().BuildServiceProvider();

        services.GetRequiredService<IStartupValidator>().Validate();
        var rules = services.GetRequiredService<IOptions<RiskAlertOptions>>().Value.Rules;
        Assert.Equal(RiskIndicatorNames.All.Order(), rules.Select(r => r.Indicator).Distinct().Order());
        Assert.All(rules, r => Assert.True(r.MinVolume >= 20 && r.Cooldown >= TimeSpan.FromMinutes(15), r.Name));
    }
}
