using System.Globalization;
using System.Text;
using Paygate.Gateway.Payments;
using static Paygate.Gateway.Checkout.CheckoutPage;

namespace Paygate.Gateway.Checkout;

/// <summary>
/// The page's part of a risk challenge: where the code went, a field for it (one-time-code autocomplete, digits only,
/// its error beside it in the payer's language), how long it is good and the tries left. The form posts to
/// <c>/checkout/{token}/verify</c>, which confirms the payment as <c>ConfirmPayment</c> does.
/// </summary>
public static class CheckoutVerification
{
    public static void Form(StringBuilder html, CheckoutModel model, VerificationChallenge challenge, CheckoutText text, string? codeError)
    {
        var note = challenge.SentTo.Length > 0
            ? text.Format("verify.note", challenge.CodeLength.ToString(CultureInfo.InvariantCulture), challenge.SentTo)
            : text.Format("verify.note_unnamed", challenge.CodeLength.ToString(CultureInfo.InvariantCulture));
        html.Append(CultureInfo.InvariantCulture, $"<section class=\"card action\" id=\"verification\" aria-labelledby=\"verify-title\"><h2 id=\"verify-title\">{H(text["verify.title"])}</h2>")
            .Append(CultureInfo.InvariantCulture, $"<p id=\"verify-note\">{H(note)}</p>")
            .Append(CultureInfo.InvariantCulture, $"<form id=\"verify-form\" method=\"post\" action=\"/checkout/{H(model.Token)}/verify?lang={text.Code}\" novalidate>")
            .Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"request_id\" value=\"{Guid.NewGuid()}\">")
            .Append("<div class=\"field\">")
            .Append(CultureInfo.InvariantCulture, $"<label for=\"code\">{H(text["verify.label"])}</label>")
            .Append(CultureInfo.InvariantCulture, $"<input id=\"code\" name=\"code\" type=\"text\" inputmode=\"numeric\" autocomplete=\"one-time-code\" maxlength=\"{challenge.CodeLength}\" required");
        if (codeError is not null)
        {
            html.Append(" aria-invalid=\"true\" aria-describedby=\"code-error\"");
        }
        html.Append('>');
        if (codeError is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p id=\"code-error\" class=\"field-error\" role=\"alert\">{H(codeError)}</p>");
        }
        var until = challenge.ExpireTime.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        html.Append("</div>")
            .Append(CultureInfo.InvariantCulture, $"<p class=\"hint\" id=\"verify-expires\">{H(text.Format("verify.expires", until, challenge.AttemptsLeft.ToString(CultureInfo.InvariantCulture)))}</p>")
            .Append(CultureInfo.InvariantCulture, $"<button type=\"submit\" class=\"button\" id=\"verify-submit\">{H(text["verify.submit"])}</button></form></section>");
    }
}
