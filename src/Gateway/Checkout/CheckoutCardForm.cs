using System.Globalization;
using Paygate.Adapters.Contract;
using Paygate.Gateway.Api;
using Paygate.Gateway.Payments;
using CardDetails = Paygate.V1.CardDetails;
using PaymentMethod = Paygate.V1.PaymentMethod;

namespace Paygate.Gateway.Checkout;

/// <summary>The checkout page's card form, read and checked; each bad field gets the message key shown beside it.</summary>
public static class CheckoutCardForm
{
    /// <summary>
    /// The card from the form, checked by the API's own card rules; null with each bad field's message key when it does
    /// not pass. The number goes to the channel call and nowhere else (not logged, not echoed back into the page).
    /// </summary>
    public static PaymentCard? Read(IFormCollection form, CreatePaymentValidator validator, Dictionary<string, string> errors)
    {
        var number = new string([.. form["card_number"].ToString().Where(c => c is not (' ' or '-'))]);
        if (!int.TryParse(form["exp_month"], NumberStyles.None, CultureInfo.InvariantCulture, out var month))
        {
            errors["exp_month"] = "card.error.exp_month";
        }
        if (!int.TryParse(form["exp_year"], NumberStyles.None, CultureInfo.InvariantCulture, out var year))
        {
            errors["exp_year"] = "card.error.exp_year";
        }
        if (number.Length == 0 || !number.All(char.IsAsciiDigit))
        {
            errors["card_number"] = "card.error.number";
        }
        try
        {
            var (_, card) = validator.ValidateMethod(new PaymentMethod
            {
                Card = new CardDetails { Number = number.Length == 0 ? "0" : number, ExpMonth = month, ExpYear = year, Cvc = form["cvc"].ToString() },
            });
            return errors.Count == 0 ? card : null;
        }
        catch (PaymentException e)
        {
            foreach (var violation in e.Violations)
            {
                var (field, key) = violation.Field switch
                {
                    "payment_method.card.number" => ("card_number", "card.error.number"),
                    "payment_method.card.exp_month" => ("exp_month", "card.error.exp_month"),
                    "payment_method.card.exp_year" when violation.Reason.Contains("expired", StringComparison.Ordinal) => ("exp_year", "card.error.expired"),
                    "payment_method.card.exp_year" => ("exp_year", "card.error.exp_year"),
                    "payment_method.card.cvc" => ("cvc", "card.error.cvc"),
                    _ => ("card_number", "card.error.number"),
                };
                errors.TryAdd(field, key);
            }
            return null;
        }
    }
}
