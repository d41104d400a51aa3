using System.Text;
using Microsoft.Extensions.Options;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Api;
using Paygate.Gateway.Merchants;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Checkout;

/// <summary>
/// The hosted checkout page on the HTTP/1.1 port: <c>GET /checkout/{token}</c> (the page), <c>GET
/// /checkout/{token}/events</c> (live status, <see cref="CheckoutEvents"/>), <c>POST /checkout/{token}/pay</c> (pay a failed payment again, with another method or a
/// card: <c>RetryPayment</c>'s rule), and the page's own script and style sheet. The token is the only credential: it
/// names the payment and its merchant, and the page reads the payment as that merchant.
/// </summary>
public static partial class CheckoutEndpoints
{
    /// <summary>A strict policy: only the gateway's own script and styles, no inline script or style, no framing.</summary>
    private const string Policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
    private const int MaxFormBytes = 4 * 1024;
    private static readonly TimeSpan PayDeadline = TimeSpan.FromSeconds(30);

    public static IServiceCollection AddPaygateCheckout(this IServiceCollection services)
    {
        services.AddOptions<CheckoutOptions>().BindConfiguration(CheckoutOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<CheckoutTokens>();
        services.AddSingleton<CheckoutChannels>();
        return services;
    }

    public static WebApplication MapCheckout(this WebApplication app)
    {
        app.MapGet("/checkout/{token}", ShowAsync);
        app.MapGet("/checkout/{token}/events", CheckoutEvents.FollowAsync);
        app.MapPost("/checkout/{token}/pay", PayAsync).DisableAntiforgery();
        app.MapPost("/checkout/{token}/verify", VerifyAsync).DisableAntiforgery();
        app.MapGet(CheckoutPage.AssetsPath + "/{name}", CheckoutAssets.Serve);
        return app;
    }

    private static async Task ShowAsync(string token, HttpContext http, CheckoutTokens tokens, PaymentLifecycle lifecycle, CancellationToken cancel)
    {
        var text = Language(http);
        try
        {
            if (await OpenAsync(http, token, tokens, lifecycle, text, cancel) is not { } payment)
            {
                return;
            }
            await WriteModelAsync(http, payment, token, text, StatusCodes.Status200OK, null, null, cancel);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await FailAsync(http, e, text, token);
        }
    }

    private static async Task PayAsync(string token, HttpContext http, CheckoutTokens tokens, PaymentLifecycle lifecycle, CreatePaymentValidator validator,
        TimeProvider clock, CancellationToken cancel)
    {
        var text = Language(http);
        try
        {
            if (await OpenFormAsync(http, token, tokens, lifecycle, text, cancel) is not var (payment, form))
            {
                return;
            }
            var now = clock.GetUtcNow();
            if (payment.State is PaymentState.Succeeded or PaymentState.Canceled or PaymentState.Expired)
            {
                await WritePageAsync(http, StatusCodes.Status409Conflict, CheckoutPage.Error(text, "error.final", token), null);
                return;
            }
            if (now >= payment.ExpireTime)
            {
                await WritePageAsync(http, StatusCodes.Status410Gone, CheckoutPage.Error(text, "error.window_closed", token), null);
                return;
            }
            if (payment.State != PaymentState.Failed)
            {
                // Already paid again (a second click, another tab): the page shows where the payment is now.
                SeeOther(http, token, text);
                return;
            }
            if (payment.Attempts.Count >= http.RequestServices.GetRequiredService<IOptions<CheckoutOptions>>().Value.MaxAttempts)
            {
                await WritePageAsync(http, StatusCodes.Status429TooManyRequests, CheckoutPage.Error(text, "error.too_many_attempts", token), null);
                return;
            }
            var method = form["method"].ToString();
            var options = http.RequestServices.GetRequiredService<CheckoutChannels>().For(payment);
            if (options.All(o => o.Channel != method))
            {
                await WriteModelAsync(http, payment, token, text, StatusCodes.Status400BadRequest, null, "error.refused", cancel);
                return;
            }
            Adapters.Contract.PaymentCard? card = null;
            if (method == CheckoutChannels.Card)
            {
                var errors = new Dictionary<string, string>(StringComparer.Ordinal);
                card = CheckoutCardForm.Read(form, validator, errors);
                if (card is null)
                {
                    await WriteModelAsync(http, payment, token, text, StatusCodes.Status422UnprocessableEntity, errors, null, cancel);
                    return;
                }
            }
            var requestId = Guid.TryParse(form["request_id"], out var id) ? id.ToString() : null;
            try
            {
                await lifecycle.RetryAsync(payment.MerchantId, payment.Id, requestId, card is null ? method : null, card, now + PayDeadline, cancel);
            }
            catch (PaymentException e) when (e.Code == ErrorCatalogue.IllegalTransition)
            {
                // The payment moved meanwhile (paid again elsewhere, expired): the page tells how it stands.
            }
            catch (PaymentException e) when (e.Code.Status is Grpc.Core.StatusCode.InvalidArgument or Grpc.Core.StatusCode.FailedPrecondition)
            {
                await WriteModelAsync(http, payment, token, text, StatusCodes.Status400BadRequest, null, "error.refused", cancel);
                return;
            }
            SeeOther(http, token, text);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await FailAsync(http, e, text, token);
        }
    }

    /// <summary>
    /// The payer's answer to a risk challenge: confirmed as <c>ConfirmPayment</c> does. A wrong code comes back beside the field
    /// with the tries left; the right one (or the last wrong one) sends the payer to the page as the payment now stands.
    /// </summary>
    private static async Task VerifyAsync(string token, HttpContext http, CheckoutTokens tokens, PaymentLifecycle lifecycle, TimeProvider clock, CancellationToken cancel)
    {
        var text = Language(http);
        try
        {
            if (await OpenFormAsync(http, token, tokens, lifecycle, text, cancel) is not var (payment, form))
            {
                return;
            }
            if (payment.State != PaymentState.RequiresAction || payment.Challenge is null)
            {
                // Answered already (another tab, a second click) or lapsed: the page shows where the payment is now.
                SeeOther(http, token, text);
                return;
            }
            var code = form["code"].ToString().Trim();
            if (code.Length == 0 || code.Length > 10 || !code.All(char.IsAsciiDigit))
            {
                await WriteModelAsync(http, payment, token, text, StatusCodes.Status422UnprocessableEntity, null, null, cancel, text["verify.error.format"]);
                return;
            }
            var requestId = Guid.TryParse(form["request_id"], out var id) ? id.ToString() : null;
            try
            {
                await lifecycle.ConfirmAsync(payment.MerchantId, payment.Id, requestId, code, null, clock.GetUtcNow() + PayDeadline, cancel);
            }
            catch (PaymentException e) when (e.Code == ErrorCatalogue.VerificationCodeWrong)
            {
                var left = e.Metadata.GetValueOrDefault("attempts_left", "0");
                await WriteModelAsync(http, await lifecycle.GetAsync(payment.MerchantId, payment.Id, cancel), token, text, StatusCodes.Status422UnprocessableEntity, null, null, cancel,
                    text.Format("verify.error.wrong", left));
                return;
            }
            catch (PaymentException e) when (e.Code == ErrorCatalogue.VerificationCardNeeded)
            {
                await WriteModelAsync(http, payment, token, text, StatusCodes.Status409Conflict, null, "verify.error.card_again", cancel);
                return;
            }
            catch (PaymentException e) when (e.Code == ErrorCatalogue.IllegalTransition)
            {
                // The payment moved meanwhile: the page tells how it stands.
            }
            SeeOther(http, token, text);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await FailAsync(http, e, text, token);
        }
    }

    /// <summary>The payment the token names and the form posted to its page, or null once a page saying why not has been written.</summary>
    private static async Task<(Payment Payment, IFormCollection Form)?> OpenFormAsync(HttpContext http, string token, CheckoutTokens tokens, PaymentLifecycle lifecycle,
        CheckoutText text, CancellationToken cancel)
    {
        if (await OpenAsync(http, token, tokens, lifecycle, text, cancel) is not { } payment)
        {
            return null;
        }
        if (http.Request.ContentLength is null or > MaxFormBytes || !http.Request.HasFormContentType)
        {
            await WritePageAsync(http, StatusCodes.Status400BadRequest, CheckoutPage.Error(text, "error.refused", token), null);
            return null;
        }
        return (payment, await http.Request.ReadFormAsync(cancel));
    }

    /// <summary>The payment the token names, or null once a page saying why not has been written.</summary>
    private static async Task<Payment?> OpenAsync(HttpContext http, string token, CheckoutTokens tokens, PaymentLifecycle lifecycle, CheckoutText text, CancellationToken cancel)
    {
        if (!tokens.TryRead(token, out var link, out var refusal))
        {
            var (status, key) = refusal == CheckoutTokenRefusal.Expired
                ? (StatusCodes.Status410Gone, "error.expired_link")
                : (StatusCodes.Status404NotFound, "error.invalid_link");
            await WritePageAsync(http, status, CheckoutPage.Error(text, key, null), null);
            return null;
        }
        try
        {
            return await lifecycle.GetAsync(link.MerchantId, link.PaymentId, cancel);
        }
        catch (PaymentException e) when (e.Code == ErrorCatalogue.PaymentNotFound)
        {
            await WritePageAsync(http, StatusCodes.Status404NotFound, CheckoutPage.Error(text, "error.not_found", null), null);
            return null;
        }
    }

    private static async Task WriteModelAsync(HttpContext http, Payment payment, string token, CheckoutText text, int status, IReadOnlyDictionary<string, string>? cardErrors,
        string? notice, CancellationToken cancel, string? codeError = null)
    {
        var services = http.RequestServices;
        var merchant = await services.GetRequiredService<IMerchantStore>().GetMerchantAsync(payment.MerchantId, cancel);
        var model = new CheckoutModel(payment, merchant?.Name ?? "", token, services.GetRequiredService<CheckoutChannels>().For(payment),
            services.GetRequiredService<TimeProvider>().GetUtcNow(), services.GetRequiredService<IOptions<CheckoutOptions>>().Value.ReturnDelay);
        var redirect = payment.State == PaymentState.RequiresAction && payment.NextAction?.RedirectForm is not null ? payment.NextAction.RedirectUrl : null;
        await WritePageAsync(http, status, CheckoutPage.Render(model, text, cardErrors, notice, codeError), redirect);
    }

    /// <summary>Writes a page with the security headers; a POST redirect's target is the one other place a form may go.</summary>
    private static Task WritePageAsync(HttpContext http, int status, string html, string? formTarget)
    {
        var policy = Policy;
        if (formTarget is not null && Uri.TryCreate(formTarget, UriKind.Absolute, out var target))
        {
            policy += " " + target.GetLeftPart(UriPartial.Authority);
        }
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = policy;
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        headers.ContentLanguage = Language(http).HtmlLang;
        return http.Response.WriteAsync(html, Encoding.UTF8);
    }

    private static void SeeOther(HttpContext http, string token, CheckoutText text)
    {
        http.Response.StatusCode = StatusCodes.Status303SeeOther;
        http.Response.Headers.Location = CheckoutPage.PagePath(token, text);
    }

    private static async Task FailAsync(HttpContext http, Exception e, CheckoutText text, string token)
    {
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CheckoutEndpoints));
        PageFailed(logger, e.GetType().Name, e);
        if (!http.Response.HasStarted)
        {
            var unavailable = e is StoreUnavailableException || (e is PaymentException p && p.Code.Status == Grpc.Core.StatusCode.Unavailable);
            await WritePageAsync(http, unavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError,
                CheckoutPage.Error(text, "error.unavailable", token), null);
        }
    }

    private static CheckoutText Language(HttpContext http) =>
        CheckoutText.Choose(http.Request.Query["lang"].FirstOrDefault(), http.Request.Headers.AcceptLanguage.ToString());

    [LoggerMessage(EventId = 7001, Level = LogLevel.Error, Message = "The checkout page failed ({Kind})")]
    private static partial void PageFailed(ILogger logger, string kind, Exception exception);
}
