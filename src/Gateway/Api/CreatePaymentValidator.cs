using System.Text.RegularExpressions;
using Paygate.Adapters.Contract;
using Paygate.Adapters.Money;
using Paygate.Gateway.Payments;
using Paygate.V1;
using CustomerInfo = Paygate.Gateway.Payments.CustomerInfo;

namespace Paygate.Gateway.Api;

/// <summary>Turns a CreatePaymentRequest into a command, or refuses it naming every bad field and why.</summary>
public sealed partial class CreatePaymentValidator(Microsoft.Extensions.Options.IOptions<PaymentOptions> options, TimeProvider clock, Risk.CardFingerprints? fingerprints = null)
{
    public const int MaxDescriptionLength = 127;
    public const int MaxMetadataEntries = 20;
    public const int MaxMetadataKeyLength = 40;
    public const int MaxMetadataValueLength = 500;
    public const int MaxReturnUrlLength = 2000;

    public CreatePaymentCommand Validate(CreatePaymentRequest request)
    {
        var violations = new List<FieldViolation>();
        void Bad(string field, string reason) => violations.Add(new FieldViolation(field, reason));

        var requestId = RequestIds.Validate(request.RequestId, "request_id", Bad);

        Currency? currency = null;
        if (string.IsNullOrEmpty(request.Currency))
        {
            Bad("currency", "required: an ISO 4217 code such as CNY");
        }
        else if (!Currency.TryFind(request.Currency, out var found))
        {
            Bad("currency", $"'{Truncate(request.Currency)}' is not a supported currency; supported: {string.Join(", ", Currency.All.Select(c => c.Code))}");
        }
        else
        {
            currency = found;
        }

        if (request.AmountMinor <= 0)
        {
            Bad("amount_minor", "must be a positive number of minor units");
        }
        else if (request.AmountMinor > options.Value.MaxAmountMinor)
        {
            Bad("amount_minor", $"exceeds the ceiling of {options.Value.MaxAmountMinor} minor units");
        }

        var description = request.Description ?? "";
        if (description.Trim().Length == 0)
        {
            Bad("description", "required");
        }
        else if (description.Length > MaxDescriptionLength)
        {
            Bad("description", $"at most {MaxDescriptionLength} characters");
        }
        else if (description.Any(char.IsControl))
        {
            Bad("description", "must not contain control characters");
        }

        var customer = request.Customer ?? new Customer();
        if (!string.IsNullOrEmpty(customer.Country) && !CountryPattern().IsMatch(customer.Country))
        {
            Bad("customer.country", "must be an ISO 3166-1 alpha-2 code such as CN");
        }
        if (!string.IsNullOrEmpty(customer.Device) && customer.Device is not ("pc" or "mobile" or "enterprise"))
        {
            Bad("customer.device", "must be pc, mobile or enterprise");
        }
        if (!Enum.IsDefined(customer.Type))
        {
            Bad("customer.type", "unknown customer type");
        }
        var customerId = PayerContextValidator.ValidateCustomerId(customer.Id, Bad);
        var registered = PayerContextValidator.ValidateLocation(customer.RegisteredLocation, "customer.registered_location", Bad);
        var contact = PayerContextValidator.ValidateContact(customer.Contact, Bad);
        var bookedAccount = PayerContextValidator.ValidateReference(customer.Account, "customer.account", Bad);
        var project = PayerContextValidator.ValidateReference(customer.Project, "customer.project", Bad);
        var payerContext = PayerContextValidator.Validate(request.Payer, "payer", Bad);

        DateTimeOffset? expireTime = null;
        if (request.ExpireTime is not null)
        {
            var now = clock.GetUtcNow();
            if (!ProtoTimes.TryRead(request.ExpireTime, out var value))
            {
                Bad("expire_time", "not a valid timestamp");
                value = now;
            }
            if (value <= now)
            {
                Bad("expire_time", "must be in the future");
            }
            else if (value > now + options.Value.MaxExpiry)
            {
                Bad("expire_time", $"must be within {options.Value.MaxExpiry.TotalDays:0} days");
            }
            expireTime = value;
        }

        if (request.Metadata.Count > MaxMetadataEntries)
        {
            Bad("metadata", $"at most {MaxMetadataEntries} entries");
        }
        foreach (var (key, value) in request.Metadata)
        {
            if (key.Length == 0 || key.Length > MaxMetadataKeyLength)
            {
                Bad($"metadata[{Truncate(key)}]", $"keys must have 1 to {MaxMetadataKeyLength} characters");
            }
            if (value.Length > MaxMetadataValueLength)
            {
                Bad($"metadata[{Truncate(key)}]", $"values must have at most {MaxMetadataValueLength} characters");
            }
        }

        var preferred = request.PaymentMethod?.Channel;
        if (preferred is { Length: > 32 })
        {
            Bad("payment_method.channel", "unknown channel");
        }
        var card = request.PaymentMethod?.Card is { } details ? ValidateCard(details, Bad) : null;
        var payer = request.PaymentMethod?.BankAccount is { } account ? ValidateBankAccount(account, Bad) : null;
        if (card is not null && payer is not null)
        {
            Bad("payment_method", "give a card or a bank account, not both");
        }

        string? returnUrl = null;
        if (request.ReturnUrl.Length > 0)
        {
            if (request.ReturnUrl.Length > MaxReturnUrlLength)
            {
                Bad("return_url", $"at most {MaxReturnUrlLength} characters");
            }
            else if (!Uri.TryCreate(request.ReturnUrl, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || url.UserInfo.Length > 0)
            {
                Bad("return_url", "must be an absolute https:// or http:// URL without user information");
            }
            returnUrl = request.ReturnUrl;
        }

        if (violations.Count > 0)
        {
            throw new PaymentException(Adapters.Errors.ErrorCatalogue.InvalidArgument,
                "invalid CreatePaymentRequest: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Reason}")), violations);
        }

        return new CreatePaymentCommand(
            requestId,
            new Money(request.AmountMinor, currency!),
            description,
            new CustomerInfo(customer.Type == Customer.Types.Type.Enterprise ? "enterprise" : "personal", customer.Country ?? "", customer.Device ?? "",
                customerId, registered, contact is null ? null : PayerContextValidator.Mask(contact), bookedAccount, project),
            string.IsNullOrEmpty(preferred) ? null : preferred,
            expireTime,
            request.Metadata.ToDictionary(p => p.Key, p => p.Value),
            card,
            payer,
            returnUrl,
            payerContext,
            Fingerprint(card),
            contact);
    }

    /// <summary>The card's keyed fingerprint (none without a card, or when no fingerprint key is configured, as in unit tests).</summary>
    public string? Fingerprint(PaymentCard? card) => card is null ? null : fingerprints?.Of(card);

    /// <summary>Validates where the payer is on its own (for RetryPayment).</summary>
    public static Payments.PayerContext? ValidatePayer(V1.PayerContext? payer)
    {
        var violations = new List<FieldViolation>();
        var context = PayerContextValidator.Validate(payer, "payer", (f, r) => violations.Add(new FieldViolation(f, r)));
        if (violations.Count > 0)
        {
            throw new PaymentException(Adapters.Errors.ErrorCatalogue.InvalidArgument, string.Join("; ", violations.Select(v => $"{v.Field}: {v.Reason}")), violations);
        }
        return context;
    }

    /// <summary>
    /// Checks a payer's bank account: lengths, an IBAN's check digits, a BIC's shape. Character sets are the channel's
    /// business (SWIFT wants set X, a domestic transfer takes Chinese names): the channel refuses what it cannot carry.
    /// </summary>
    private static PayerAccount? ValidateBankAccount(BankAccount account, Action<string, string> bad)
    {
        var valid = true;
        var name = account.Name.Trim();
        if (name.Length is 0 or > 140 || name.Any(char.IsControl))
        {
            bad("payment_method.bank_account.name", "1 to 140 characters, no control characters");
            valid = false;
        }
        var number = account.Account.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        if (number.Length is 0 or > 34 || !number.All(char.IsAsciiLetterOrDigit))
        {
            bad("payment_method.bank_account.account", "1 to 34 letters and digits");
            valid = false;
        }
        else if (Adapters.Swift.SwiftSyntax.LooksLikeIban(number) && Adapters.Swift.SwiftSyntax.IbanProblem(number) is { } problem)
        {
            bad("payment_method.bank_account.account", problem);
            valid = false;
        }
        if (account.Bic.Length > 0 && !Adapters.Swift.SwiftSyntax.IsBic(account.Bic))
        {
            bad("payment_method.bank_account.bic", "a BIC is 4 letters, 2 letters (country), 2 letters or digits and an optional 3-character branch");
            valid = false;
        }
        if (account.AddressLines.Count > 3 || account.AddressLines.Any(l => l.Length > 70 || l.Any(char.IsControl)))
        {
            bad("payment_method.bank_account.address_lines", "at most 3 lines of 70 characters");
            valid = false;
        }
        return valid ? new PayerAccount(name, number, account.Bic.Length == 0 ? null : account.Bic, [.. account.AddressLines]) : null;
    }

    /// <summary>Validates a payment method on its own (for RetryPayment): the preferred channel and the card.</summary>
    public (string? Channel, PaymentCard? Card) ValidateMethod(PaymentMethod? method)
    {
        var violations = new List<FieldViolation>();
        var card = method?.Card is { } details ? ValidateCard(details, (f, r) => violations.Add(new FieldViolation(f, r))) : null;
        if (method?.Channel is { Length: > 32 })
        {
            violations.Add(new FieldViolation("payment_method.channel", "unknown channel"));
        }
        if (violations.Count > 0)
        {
            throw new PaymentException(Adapters.Errors.ErrorCatalogue.InvalidArgument, string.Join("; ", violations.Select(v => $"{v.Field}: {v.Reason}")), violations);
        }
        return (string.IsNullOrEmpty(method?.Channel) ? null : method.Channel, card);
    }

    /// <summary>Checks a card without ever echoing its number or security code in an error.</summary>
    private PaymentCard? ValidateCard(CardDetails card, Action<string, string> bad)
    {
        var hasNumber = !string.IsNullOrEmpty(card.Number);
        var hasToken = !string.IsNullOrEmpty(card.Token);
        if (hasNumber == hasToken)
        {
            bad("payment_method.card", "give either number or token");
            return null;
        }
        var valid = true;
        if (hasNumber && !CardNumber.IsValid(card.Number))
        {
            bad("payment_method.card.number", "is not a valid card number (12 to 19 digits passing the Luhn check)");
            valid = false;
        }
        if (hasToken && card.Token.Length > 64)
        {
            bad("payment_method.card.token", "at most 64 characters");
            valid = false;
        }
        if (hasNumber)
        {
            if (card.ExpMonth is < 1 or > 12)
            {
                bad("payment_method.card.exp_month", "must be 1 to 12");
                valid = false;
            }
            else if (card.ExpYear is < 2000 or > 2100)
            {
                bad("payment_method.card.exp_year", "must be a four-digit year");
                valid = false;
            }
            else if (new DateTimeOffset(card.ExpYear, card.ExpMonth, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1) <= clock.GetUtcNow())
            {
                bad("payment_method.card.exp_year", "the card has expired");
                valid = false;
            }
            if (!string.IsNullOrEmpty(card.Cvc) && (card.Cvc.Length is < 3 or > 4 || !card.Cvc.All(char.IsAsciiDigit)))
            {
                bad("payment_method.card.cvc", "must be 3 or 4 digits");
                valid = false;
            }
        }
        return valid ? new PaymentCard(hasNumber ? card.Number : null, card.ExpMonth, card.ExpYear, string.IsNullOrEmpty(card.Cvc) ? null : card.Cvc, hasToken ? card.Token : null) : null;
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "...";

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryPattern();
}
