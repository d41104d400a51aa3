using System.Net;
using Paygate.V1;

namespace Paygate.EndToEnd.Tests;

/// <summary>
/// The hosted checkout page over plain HTTP against the real host (the browser tests in tests/Browser drive it in
/// Chromium): the signed link, its security headers, live events, paying again after a decline, card form errors.
/// </summary>
public sealed class CheckoutPageTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>, IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(fixture.Gateway.HttpBaseUrl) };

    private GatewayUnderTest Gateway => fixture.Gateway;

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task CheckoutUrl_OpensThePage_WithAStrictPolicy()
    {
        var request = GatewayUnderTest.NewRequest(8888);
        request.ReturnUrl = "https://shop.example.com/orders/42";
        var created = await Gateway.Payments.CreatePaymentAsync(request);

        Assert.Equal("https://shop.example.com/orders/42", created.ReturnUrl);
        Assert.StartsWith(Gateway.HttpBaseUrl + "/checkout/", created.CheckoutUrl, StringComparison.Ordinal);
        Assert.Equal(created.CheckoutUrl, (await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = created.Id })).CheckoutUrl);
        using var response = await _http.GetAsync(created.CheckoutUrl);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var policy = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("Cloud server ECS, 1 month", html, StringComparison.Ordinal);
        Assert.Contains("CNY 88.88", html, StringComparison.Ordinal);
        Assert.Contains("<svg class=\"qr\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.True(html.Length < 200 * 1024);
    }

    [Fact]
    public async Task GuessedOrTamperedLinks_AreNotFound_WithoutATrace()
    {
        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(1000));
        var tampered = created.CheckoutUrl[..^1] + (created.CheckoutUrl[^1] == 'A' ? 'B' : 'A');

        foreach (var url in new[] { $"/checkout/{created.Id}", tampered, $"/checkout/{created.Id}/events", $"{tampered}/events" })
        {
            using var response = await _http.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
            Assert.DoesNotContain(created.Description, body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Events_TellTheChange_WhenThePayerPays()
    {
        var created = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.NewRequest(2000));
        using var response = await _http.GetAsync(created.CheckoutUrl + "/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));

        Assert.Contains("\"state\":\"requiresaction\"", await NextEventAsync(reader, timeout.Token), StringComparison.Ordinal);
        Assert.Null(fixture.Simulators.Alipay.BuyerPays(created.NextAction.QrCode));
        string data;
        do
        {
            data = await NextEventAsync(reader, timeout.Token);
        }
        while (!data.Contains("\"state\":\"succeeded\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PayAgain_AfterADecline_WithAnotherChannel_RunsANewAttempt()
    {
        var declined = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.CardRequest("4000000000000002"));
        Assert.Equal(Payment.Types.State.Failed, declined.State);

        using var response = await _http.PostAsync(declined.CheckoutUrl + "/pay", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["method"] = "alipay",
            ["request_id"] = Guid.NewGuid().ToString(),
        }));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var again = await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = declined.Id });
        Assert.Equal(Payment.Types.State.RequiresAction, again.State);
        Assert.Equal(("alipay", 2), (again.Attempts[^1].Channel, again.Attempts.Count));
    }

    [Fact]
    public async Task PayAgain_AfterTheAttemptsAllowed_IsRefused_SoALeakedLinkCannotTestCards()
    {
        var declined = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.CardRequest("4000000000000002"));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await _http.PostAsync(declined.CheckoutUrl + "/pay?lang=en", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["method"] = "card",
                ["card_number"] = "4000000000000002",
                ["exp_month"] = "12",
                ["exp_year"] = "2031",
                ["cvc"] = "123",
                ["request_id"] = Guid.NewGuid().ToString(),
            }));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Contains("tried too many times", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }

        // Created with one attempt; four more declines through the page make five, the most a page allows (Checkout:MaxAttempts).
        Assert.Equal([HttpStatusCode.SeeOther, HttpStatusCode.SeeOther, HttpStatusCode.SeeOther, HttpStatusCode.SeeOther, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(5, (await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = declined.Id })).Attempts.Count);
    }

    [Fact]
    public async Task CardForm_WithErrors_Is422_NamingTheFields_AndNeverEchoesTheNumber()
    {
        var declined = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.CardRequest("4000000000000002"));

        using var response = await _http.PostAsync(declined.CheckoutUrl + "/pay?lang=en", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["method"] = "card",
            ["card_number"] = "4000000000000003",
            ["exp_month"] = "12",
            ["exp_year"] = "2020",
            ["cvc"] = "1",
        }));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("id=\"card_number-error\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"exp_year-error\" class=\"field-error\">This card has expired.", html, StringComparison.Ordinal);
        Assert.Contains("id=\"cvc-error\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("4000000000000003", html, StringComparison.Ordinal);
        Assert.Equal(Payment.Types.State.Failed, (await Gateway.Payments.GetPaymentAsync(new GetPaymentRequest { Id = declined.Id })).State);
    }

    [Fact]
    public async Task Pay_OnAFinalPayment_IsAClearPage()
    {
        var paid = await Gateway.Payments.CreatePaymentAsync(GatewayUnderTest.CardRequest());
        Assert.Equal(Payment.Types.State.Succeeded, paid.State);

        using var response = await _http.PostAsync(paid.CheckoutUrl + "/pay", new FormUrlEncodedContent(new Dictionary<string, string> { ["method"] = "alipay" }));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("already complete", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>The data of the next server-sent event (comments and event names skipped).</summary>
    private static async Task<string> NextEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return line["data: ".Length..];
            }
        }
        throw new EndOfStreamException("the event stream ended");
    }
}
