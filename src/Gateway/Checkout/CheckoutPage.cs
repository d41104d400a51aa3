using System.Globalization;
using System.Net;
using System.Text;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Money;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Checkout;

/// <summary>Everything one rendering of the page shows.</summary>
/// <param name="Payment">The payment, as the store has it now.</param>
/// <param name="MerchantName">Whom the payer pays.</param>
/// <param name="Token">The link's token (the page's own address is built from it).</param>
/// <param name="Options">The channels the payment may use, recommended first.</param>
/// <param name="Now">The gateway's time of this rendering.</param>
/// <param name="ReturnDelay">How long a succeeded page waits before sending the payer to the return URL.</param>
public sealed record CheckoutModel(Payment Payment, string MerchantName, string Token, IReadOnlyList<ChannelOption> Options, DateTimeOffset Now, TimeSpan ReturnDelay)
{
    /// <summary>Final for the payer: nothing more can happen (a FAILED payment may still be paid again).</summary>
    public bool Final => Payment.State is PaymentState.Succeeded or PaymentState.Canceled or PaymentState.Expired || PastExpiry;

    /// <summary>An unpaid payment whose time is over, which the recovery worker has not closed yet.</summary>
    public bool PastExpiry => Payment.State is PaymentState.RequiresAction or PaymentState.Failed && Now >= Payment.ExpireTime;
}

/// <summary>
/// Renders the checkout page as HTML on the server: every state is a page that works without script; the one script
/// (served by the gateway, <c>Assets/checkout.js</c>) adds the countdown, live updates over server-sent events, the copy
/// buttons and the return to the merchant. Every value from the payment is HTML-encoded.
/// </summary>
public static class CheckoutPage
{
    public const string AssetsPath = "/checkout/assets";

    /// <summary>The page's address (relative), in the payer's language.</summary>
    public static string PagePath(string token, CheckoutText text) => $"/checkout/{token}?lang={text.Code}";

    public static string Render(CheckoutModel model, CheckoutText text, IReadOnlyDictionary<string, string>? cardErrors = null, string? notice = null,
        string? codeError = null)
    {
        var payment = model.Payment;
        var state = model.PastExpiry ? PaymentState.Expired : payment.State;
        var html = new StringBuilder(8 * 1024);
        var stateName = state.ToString().ToLowerInvariant() switch { "requiresaction" => "requires_action", var s => s };
        html.Append(CultureInfo.InvariantCulture, $"<main id=\"checkout\" data-state=\"{stateName}\" data-version=\"{payment.Version}\" data-final=\"{(model.Final ? "true" : "false")}\"")
            .Append(CultureInfo.InvariantCulture, $" data-page=\"{H(PagePath(model.Token, text))}\" data-events=\"/checkout/{H(model.Token)}/events\"");
        if (state == PaymentState.Succeeded && payment.ReturnUrl is { } returnUrl)
        {
            html.Append(CultureInfo.InvariantCulture, $" data-return-url=\"{H(returnUrl)}\" data-return-delay=\"{(long)model.ReturnDelay.TotalMilliseconds}\"");
        }
        html.Append(CultureInfo.InvariantCulture, $" data-copied=\"{H(text["transfer.copied"])}\">");

        Summary(html, model, text, state);
        Status(html, model, text, state, notice);
        if (state == PaymentState.RequiresAction && payment.Challenge is { } challenge)
        {
            CheckoutVerification.Form(html, model, challenge, text, codeError);
        }
        else if (state == PaymentState.RequiresAction && payment.NextAction is { } action)
        {
            Action(html, payment, action, text);
        }
        if (state == PaymentState.Failed || (state == PaymentState.RequiresAction && payment.Challenge is null))
        {
            Methods(html, model, text, state, cardErrors);
        }
        html.Append("</main>");
        return Document(text, text["title"] + " · " + model.MerchantName, html.ToString(), PagePath(model.Token, text), model.Token);
    }

    /// <summary>A page that says why nothing else can be shown: never a stack trace.</summary>
    public static string Error(CheckoutText text, string messageKey, string? token)
    {
        var body = $"<main id=\"checkout\" data-state=\"error\" data-final=\"true\"><section class=\"card error-page\"><h1>{H(text["error.title"])}</h1>"
            + $"<p class=\"message\" role=\"alert\">{H(text[messageKey])}</p></section></main>";
        return Document(text, text["error.title"], body, token is null ? null : PagePath(token, text), token);
    }

    private static string Document(CheckoutText text, string title, string main, string? pagePath, string? token)
    {
        var other = text.Other;
        var switchTo = pagePath is null || token is null ? $"?lang={other.Code}" : PagePath(token, other);
        return $"""
            <!doctype html>
            <html lang="{text.HtmlLang}">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <link rel="icon" href="data:,">
            <title>{H(title)}</title>
            <link rel="stylesheet" href="{AssetsPath}/checkout.css">
            <script src="{AssetsPath}/checkout.js" defer></script>
            </head>
            <body>
            <header class="bar"><span class="brand">{H(text["title"])}</span><a class="lang" href="{H(switchTo)}" lang="{other.HtmlLang}" hreflang="{other.HtmlLang}" aria-label="{H(text["lang.switch.label"])}">{H(text["lang.switch"])}</a></header>
            {main}
            </body>
            </html>
            """;
    }

    private static void Summary(StringBuilder html, CheckoutModel model, CheckoutText text, PaymentState state)
    {
        var payment = model.Payment;
        html.Append(CultureInfo.InvariantCulture, $"<section class=\"card summary\" aria-labelledby=\"summary-title\"><h1 id=\"summary-title\">{H(text["summary.title"])}</h1><dl>")
            .Append(CultureInfo.InvariantCulture, $"<div><dt>{H(text["summary.merchant"])}</dt><dd id=\"merchant\">{H(model.MerchantName)}</dd></div>")
            .Append(CultureInfo.InvariantCulture, $"<div><dt>{H(text["summary.description"])}</dt><dd id=\"description\">{H(payment.Description)}</dd></div>")
            .Append(CultureInfo.InvariantCulture, $"<div><dt>{H(text["summary.amount"])}</dt><dd id=\"amount\" class=\"amount\">{H(Amount(payment.Amount))}</dd></div>");
        if (state is PaymentState.RequiresAction or PaymentState.Processing or PaymentState.Failed)
        {
            var left = payment.ExpireTime - model.Now;
            html.Append(CultureInfo.InvariantCulture, $"<div><dt>{H(text["summary.expires"])}</dt><dd><time id=\"countdown\" datetime=\"{payment.ExpireTime.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\">{Countdown(left)}</time></dd></div>");
        }
        html.Append("</dl></section>");
    }

    private static void Status(StringBuilder html, CheckoutModel model, CheckoutText text, PaymentState state, string? notice)
    {
        var payment = model.Payment;
        var key = state switch
        {
            PaymentState.Succeeded => "state.succeeded",
            PaymentState.Failed => "state.failed",
            PaymentState.Canceled => "state.canceled",
            PaymentState.Expired => "state.expired",
            PaymentState.RequiresAction when payment.Challenge is not null => "verify.status",
            PaymentState.RequiresAction => "state.requires_action",
            PaymentState.AwaitingApproval => "state.awaiting_approval",
            _ => "state.processing",
        };
        html.Append(CultureInfo.InvariantCulture, $"<section class=\"card status status-{state.ToString().ToLowerInvariant()}\" role=\"status\" aria-live=\"polite\"><p id=\"status\">{H(text[key])}</p>");
        if (notice is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p id=\"notice\" class=\"notice\" role=\"alert\">{H(text[notice])}</p>");
        }
        if (state == PaymentState.Failed && payment.Error is { } error)
        {
            var message = text.Code == "en" ? error.Message : text[error.Code.StartsWith("PM-1", StringComparison.Ordinal) ? "decline.payer" : "decline.other"];
            html.Append(CultureInfo.InvariantCulture, $"<p id=\"failure\">{H(text.Format("failed.reason", message, error.Code))}</p>");
        }
        if (state is PaymentState.RequiresAction or PaymentState.Processing && FailedOver(payment) is { } from && payment.CurrentAttempt is { } current)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p id=\"failover\" class=\"notice\">{H(text.Format("failover.note", text.Channel(from), text.Channel(current.Channel)))}</p>");
        }
        if (state == PaymentState.Succeeded && payment.ReturnUrl is { } returnUrl)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>{H(text["success.return"])} <a id=\"return\" href=\"{H(returnUrl)}\">{H(text["success.return_link"])}</a></p>");
        }
        if (!model.Final)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"hint\">{H(text["live.note"])}</p><noscript><p>{H(text["noscript"])}</p></noscript>");
        }
        html.Append("</section>");
    }

    /// <summary>The channel the payment left because it could not take it (a definite failure moved it on), if it did.</summary>
    private static string? FailedOver(Payment payment) =>
        payment.Attempts.Count >= 2 && payment.Attempts[^2] is { State: AttemptState.Failed } previous && previous.Channel != payment.Attempts[^1].Channel
            ? previous.Channel : null;

    private static void Action(StringBuilder html, Payment payment, PayerAction action, CheckoutText text)
    {
        var channel = text.Channel(payment.CurrentAttempt?.Channel ?? "");
        html.Append("<section class=\"card action\" id=\"action\">");
        if (action.Transfer is { } transfer)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>{H(text["transfer.title"])}</h2><p>{H(text["transfer.note"])}</p><dl class=\"transfer\">");
            Row(html, text, "transfer.beneficiary", transfer.BeneficiaryName, copy: false);
            Row(html, text, "transfer.account", transfer.Account, copy: true);
            Row(html, text, "transfer.bank", transfer.BankName, copy: false);
            if (!string.IsNullOrEmpty(transfer.Bic))
            {
                Row(html, text, "transfer.bic", transfer.Bic, copy: true);
            }
            Row(html, text, "transfer.reference", transfer.Reference, copy: true);
            var amount = Currency.TryFind(transfer.Currency, out var currency) ? new Money(transfer.AmountMinor, currency) : payment.Amount;
            Row(html, text, "transfer.amount", Amount(amount), copy: true, copyValue: amount.ToMajorUnitString());
            Row(html, text, "transfer.deadline", transfer.Deadline.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture), copy: false);
            html.Append("</dl>");
        }
        else if (action.QrCode is { } qr)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>{H(text.Format("action.scan", channel))}</p><div class=\"qr-box\">")
                .Append(CheckoutQr.Svg(qr, text.Format("action.qr_label", channel)))
                .Append(CultureInfo.InvariantCulture, $"</div><p><a id=\"qr-link\" class=\"button secondary\" href=\"{H(qr)}\" data-qr=\"{H(qr)}\">{H(text.Format("action.open_app", channel))}</a></p>");
        }
        else if (action.RedirectUrl is { } url)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>{H(text.Format("action.redirect_note", channel))}</p>");
            if (action.RedirectForm is { } form)
            {
                html.Append(CultureInfo.InvariantCulture, $"<form id=\"redirect\" method=\"post\" action=\"{H(url)}\">");
                foreach (var (name, value) in form)
                {
                    html.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"{H(name)}\" value=\"{H(value)}\">");
                }
                html.Append(CultureInfo.InvariantCulture, $"<button type=\"submit\" class=\"button\">{H(text.Format("action.redirect", channel))}</button></form>");
            }
            else
            {
                html.Append(CultureInfo.InvariantCulture, $"<p><a id=\"redirect\" class=\"button\" href=\"{H(url)}\">{H(text.Format("action.redirect", channel))}</a></p>");
            }
        }
        html.Append("</section>");
    }

    private static void Row(StringBuilder html, CheckoutText text, string key, string value, bool copy, string? copyValue = null)
    {
        var id = key.Replace("transfer.", "transfer-", StringComparison.Ordinal);
        html.Append(CultureInfo.InvariantCulture, $"<div><dt>{H(text[key])}</dt><dd><span id=\"{id}\">{H(value)}</span>");
        if (copy)
        {
            html.Append(CultureInfo.InvariantCulture, $" <button type=\"button\" class=\"copy\" data-copy=\"{H(copyValue ?? value)}\" aria-label=\"{H(text.Format("transfer.copy_label", text[key]))}\">{H(text["transfer.copy"])}</button>");
        }
        html.Append("</dd></div>");
    }

    private static void Methods(StringBuilder html, CheckoutModel model, CheckoutText text, PaymentState state, IReadOnlyDictionary<string, string>? cardErrors)
    {
        var payment = model.Payment;
        var canPay = state == PaymentState.Failed;
        html.Append(CultureInfo.InvariantCulture, $"<section class=\"card methods\" aria-labelledby=\"methods-title\"><h2 id=\"methods-title\">{H(text[canPay ? "methods.again" : "methods.title"])}</h2><ul class=\"options\">");
        var requestId = Guid.NewGuid().ToString();
        foreach (var option in model.Options)
        {
            var name = text.Channel(option.Channel);
            html.Append(CultureInfo.InvariantCulture, $"<li class=\"option\" data-channel=\"{H(option.Channel)}\"><div class=\"option-head\"><strong>{H(name)}</strong>");
            if (option.Recommended)
            {
                html.Append(CultureInfo.InvariantCulture, $" <span class=\"badge\">{H(text["methods.recommended"])}</span>");
            }
            if (!canPay && payment.CurrentAttempt?.Channel == option.Channel)
            {
                html.Append(CultureInfo.InvariantCulture, $" <span class=\"badge in-use\">{H(text["methods.in_use"])}</span>");
            }
            html.Append(CultureInfo.InvariantCulture, $"</div><p class=\"reason\">{H(text.Reason(option.Reason))}</p>");
            if (canPay && option.Channel == CheckoutChannels.Card)
            {
                CardForm(html, model, text, requestId, cardErrors);
            }
            else if (canPay)
            {
                html.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/checkout/{H(model.Token)}/pay?lang={text.Code}\"><input type=\"hidden\" name=\"request_id\" value=\"{requestId}\">")
                    .Append(CultureInfo.InvariantCulture, $"<button type=\"submit\" class=\"button\" name=\"method\" value=\"{H(option.Channel)}\">{H(text.Format("methods.pay_with", name))}</button></form>");
            }
            html.Append("</li>");
        }
        html.Append("</ul>");
        if (!canPay)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"hint\">{H(text["methods.later"])}</p>");
        }
        html.Append("</section>");
    }

    private static void CardForm(StringBuilder html, CheckoutModel model, CheckoutText text, string requestId, IReadOnlyDictionary<string, string>? errors)
    {
        html.Append(CultureInfo.InvariantCulture, $"<form id=\"card-form\" method=\"post\" action=\"/checkout/{H(model.Token)}/pay?lang={text.Code}\" autocomplete=\"on\" novalidate>")
            .Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"request_id\" value=\"{requestId}\"><input type=\"hidden\" name=\"method\" value=\"card\">");
        if (errors is { Count: > 0 })
        {
            html.Append(CultureInfo.InvariantCulture, $"<p id=\"card-errors\" class=\"field-error\" role=\"alert\">{H(text["card.errors"])}</p>");
        }
        Field(html, text, errors, "card_number", "card.number", "cc-number", 23, "numeric");
        html.Append("<div class=\"row\">");
        Field(html, text, errors, "exp_month", "card.exp_month", "cc-exp-month", 2, "numeric");
        Field(html, text, errors, "exp_year", "card.exp_year", "cc-exp-year", 4, "numeric");
        Field(html, text, errors, "cvc", "card.cvc", "cc-csc", 4, "numeric");
        html.Append("</div>")
            .Append(CultureInfo.InvariantCulture, $"<p class=\"hint\">{H(text["card.note"])}</p>")
            .Append(CultureInfo.InvariantCulture, $"<button type=\"submit\" class=\"button\" id=\"card-submit\">{H(text.Format("card.submit", Amount(model.Payment.Amount)))}</button></form>");
    }

    /// <summary>One card field, with its error beside it. The values typed are never written back into the page.</summary>
    private static void Field(StringBuilder html, CheckoutText text, IReadOnlyDictionary<string, string>? errors, string name, string labelKey, string autocomplete, int maxLength, string inputMode)
    {
        var error = errors?.GetValueOrDefault(name);
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"field\"><label for=\"{name}\">{H(text[labelKey])}</label>")
            .Append(CultureInfo.InvariantCulture, $"<input id=\"{name}\" name=\"{name}\" type=\"text\" inputmode=\"{inputMode}\" autocomplete=\"{autocomplete}\" maxlength=\"{maxLength}\"");
        if (error is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $" aria-invalid=\"true\" aria-describedby=\"{name}-error\"");
        }
        html.Append('>');
        if (error is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p id=\"{name}-error\" class=\"field-error\">{H(text[error])}</p>");
        }
        html.Append("</div>");
    }

    /// <summary>The amount with its currency's real minor units and digit groups, e.g. <c>CNY 8,888.00</c>, <c>JPY 1,200</c>.</summary>
    public static string Amount(Money money)
    {
        var per = money.Currency.MinorPerMajor;
        var major = (money.AmountMinor / per).ToString("N0", CultureInfo.InvariantCulture);
        return money.Currency.MinorUnits == 0
            ? $"{money.Currency.Code} {major}"
            : $"{money.Currency.Code} {major}.{(money.AmountMinor % per).ToString(CultureInfo.InvariantCulture).PadLeft(money.Currency.MinorUnits, '0')}";
    }

    private static string Countdown(TimeSpan left)
    {
        if (left < TimeSpan.Zero)
        {
            left = TimeSpan.Zero;
        }
        return $"{(int)left.TotalHours:00}:{left.Minutes:00}:{left.Seconds:00}";
    }

    internal static string H(string? value) => WebUtility.HtmlEncode(value ?? "");
}
