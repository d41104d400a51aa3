using System.Net.Mail;
using System.Text.RegularExpressions;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Api;

/// <summary>
/// Checks what risk control reads of a request: where the payer is (<c>payer.ip</c>, <c>payer.location</c>,
/// <c>payer.device_id</c>) and who the customer is (<c>customer.id</c>, <c>customer.registered_location</c>,
/// <c>customer.contact</c>). An IP is kept in its normal text form; a contact is kept masked only.
/// </summary>
public static partial class PayerContextValidator
{
    public const int MaxCustomerIdLength = 64;
    public const int MaxDeviceIdLength = 128;

    /// <summary>The payer's context, or null when none was given (an empty message counts as none).</summary>
    public static PayerContext? Validate(V1.PayerContext? payer, string prefix, Action<string, string> bad)
    {
        if (payer is null || (payer.Ip.Length == 0 && payer.Location is null && payer.DeviceId.Length == 0))
        {
            return null;
        }
        string? ip = null;
        if (payer.Ip.Length > 0)
        {
            // Kept in its normal text form: the same address always reads the same (risk lists, the evidence chain).
            if (Risk.IpAddresses.TryParse(payer.Ip, out var address))
            {
                ip = address.ToString();
            }
            else
            {
                bad(prefix + ".ip", "must be an IPv4 or IPv6 address");
            }
        }
        var location = ValidateLocation(payer.Location, prefix + ".location", bad);
        if (payer.DeviceId.Length > MaxDeviceIdLength || payer.DeviceId.Any(char.IsControl))
        {
            bad(prefix + ".device_id", $"at most {MaxDeviceIdLength} characters, no control characters");
        }
        return new PayerContext(ip, location, payer.DeviceId.Length == 0 ? null : payer.DeviceId);
    }

    /// <summary>A position, or null when none was given.</summary>
    public static GeoPoint? ValidateLocation(V1.GeoPoint? point, string field, Action<string, string> bad)
    {
        if (point is null)
        {
            return null;
        }
        if (!double.IsFinite(point.Latitude) || point.Latitude is < -90 or > 90)
        {
            bad(field + ".latitude", "must be -90 to 90 degrees");
            return null;
        }
        if (!double.IsFinite(point.Longitude) || point.Longitude is < -180 or > 180)
        {
            bad(field + ".longitude", "must be -180 to 180 degrees");
            return null;
        }
        return new GeoPoint(point.Latitude, point.Longitude);
    }

    /// <summary>The customer's id as given, checked.</summary>
    public static string? ValidateCustomerId(string id, Action<string, string> bad)
    {
        if (id.Length == 0)
        {
            return null;
        }
        if (id.Length > MaxCustomerIdLength || id.Any(char.IsControl))
        {
            bad("customer.id", $"at most {MaxCustomerIdLength} characters, no control characters");
        }
        return id;
    }

    /// <summary>
    /// A booking reference (the group sub-account, the project) checked: up to <see cref="MaxCustomerIdLength"/> letters,
    /// digits, <c>_</c>, <c>-</c> or <c>.</c>; null when none was given.
    /// </summary>
    public static string? ValidateReference(string value, string field, Action<string, string> bad)
    {
        if (value.Length == 0)
        {
            return null;
        }
        if (value.Length > MaxCustomerIdLength || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            bad(field, $"at most {MaxCustomerIdLength} characters: letters, digits, '_', '-' or '.'");
        }
        return value;
    }

    /// <summary>A contact (E.164 phone or e-mail address) checked; null when none was given.</summary>
    public static string? ValidateContact(string contact, Action<string, string> bad)
    {
        if (contact.Length == 0)
        {
            return null;
        }
        if (contact.Length <= 16 && PhonePattern().IsMatch(contact))
        {
            return contact;
        }
        if (contact.Length <= 254 && MailAddress.TryCreate(contact, out var mail) && mail.Address == contact)
        {
            return contact;
        }
        bad("customer.contact", "must be a phone number in E.164 form (+8613800138000) or an e-mail address");
        return null;
    }

    /// <summary>
    /// The contact as the payment keeps it: a phone's country code and last four digits (<c>+86*******8000</c>), an
    /// address's first letter and domain (<c>a***@example.com</c>).
    /// </summary>
    public static string Mask(string contact)
    {
        if (contact.StartsWith('+'))
        {
            var keepStart = Math.Min(3, contact.Length - 4);
            return contact[..keepStart] + new string('*', contact.Length - keepStart - 4) + contact[^4..];
        }
        var at = contact.LastIndexOf('@');
        return contact[..1] + "***" + contact[at..];
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex PhonePattern();
}
