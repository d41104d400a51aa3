using Paygate.V1;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Paygate.Cli.Output;

/// <summary>How a payment is shown in a table: one payment's fields, or a list of payments a row each.</summary>
public static class PaymentView
{
    /// <summary>One payment: its fields, then its attempts and refunds.</summary>
    public static IRenderable Detail(Payment payment)
    {
        var fields = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("field").AddColumn("value");
        void Row(string name, string? value, bool markup = false)
        {
            if (!string.IsNullOrEmpty(value))
            {
                fields.AddRow(new Text(name), markup ? new Markup(value) : new Text(value));
            }
        }
        Row("id", payment.Id);
        Row("state", ProtoText.StateMarkup(ProtoText.Enum(payment.State)), markup: true);
        Row("amount", MoneyText.Format(payment.AmountMinor, payment.Currency));
        Row("refunded", payment.AmountRefundedMinor > 0 ? MoneyText.Format(payment.AmountRefundedMinor, payment.Currency) : null);
        Row("description", payment.Description);
        Row("card", payment.Card is { } card ? $"{card.Brand} ...{card.Last4} {card.ExpMonth:00}/{card.ExpYear}" : null);
        Row("next action", NextStep(payment.NextAction));
        Row("error", payment.Error is { } e ? $"{e.Code} {e.Message}" + (e.Channel.Length > 0 ? $" ({e.Channel} {e.NativeCode})" : "") : null);
        Row("routing", payment.Routing is { } r ? string.Join(" > ", r.Candidates) + (r.Reason.Length > 0 ? $" ({r.Reason})" : "") : null);
        Row("created", ProtoText.Time(payment.CreateTime));
        Row("updated", ProtoText.Time(payment.UpdateTime));
        Row("expires", ProtoText.Time(payment.ExpireTime));
        foreach (var (key, value) in payment.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            Row("metadata." + key, value);
        }
        var parts = new List<IRenderable> { fields };
        if (payment.Attempts.Count > 0)
        {
            var attempts = new Table().Border(TableBorder.Rounded).Title("attempts")
                .AddColumns("#", "channel", "state", "code", "native", "reference", "updated");
            foreach (var a in payment.Attempts)
            {
                attempts.AddRow(new Text(a.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Text(a.Channel),
                    new Markup(ProtoText.StateMarkup(ProtoText.Enum(a.State))), new Text(a.ErrorCode), new Text(a.NativeCode),
                    new Text(a.ChannelReference), new Text(ProtoText.Time(a.UpdateTime)));
            }
            parts.Add(attempts);
        }
        if (payment.Refunds.Count > 0)
        {
            parts.Add(Refunds(payment.Refunds));
        }
        return new Rows(parts);
    }

    /// <summary>Refunds a row each.</summary>
    public static Table Refunds(IEnumerable<Refund> refunds)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("refunds").AddColumns("id", "state", "amount", "channel", "error", "created");
        foreach (var r in refunds)
        {
            table.AddRow(new Text(r.Id), new Markup(ProtoText.StateMarkup(ProtoText.Enum(r.State))), new Text(MoneyText.Format(r.AmountMinor, r.Currency)),
                new Text(r.Channel), new Text(r.Error is { } e ? $"{e.Code} {e.Message}" : ""), new Text(ProtoText.Time(r.CreateTime)));
        }
        return table;
    }

    /// <summary>Payments a row each, newest first as the gateway lists them.</summary>
    public static Table List(IEnumerable<Payment> payments)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("id", "state", "amount", "channel", "description", "created");
        foreach (var p in payments)
        {
            table.AddRow(new Text(p.Id), new Markup(ProtoText.StateMarkup(ProtoText.Enum(p.State))), new Text(MoneyText.Format(p.AmountMinor, p.Currency)),
                new Text(p.Attempts.Count > 0 ? p.Attempts[^1].Channel : ""), new Text(p.Description), new Text(ProtoText.Time(p.CreateTime)));
        }
        return table;
    }

    private static string? NextStep(NextAction? action) => action switch
    {
        null => null,
        { Type: V1.NextAction.Types.Type.DisplayQrCode } => "show QR code " + action.QrCode,
        { Type: V1.NextAction.Types.Type.Redirect } => $"redirect ({action.RedirectMethod}) {action.RedirectUrl}",
        { Type: V1.NextAction.Types.Type.BankTransfer, BankTransfer: { } t } =>
            $"bank transfer {MoneyText.Format(t.AmountMinor, t.Currency)} to {t.BeneficiaryName} {t.Account} ({t.Bic}) quoting {t.Reference}",
        _ => null,
    };
}
