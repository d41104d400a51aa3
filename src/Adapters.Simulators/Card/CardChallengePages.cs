using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Paygate.Simulators.Card;

/// <summary>The acquirer's 3-D Secure challenge page, where the payer authenticates (or gives up).</summary>
public static class CardChallengePages
{
    public const string Path = CardEndpoints.BasePath + "/3ds/challenge/{id}";

    public static IEndpointRouteBuilder MapCardChallengePages(this IEndpointRouteBuilder app, CardAcquirerSimulator acquirer)
    {
        app.MapGet(Path, (string id) => Results.Content(Page(id), "text/html; charset=utf-8"));
        app.MapPost(Path, async (HttpContext context, string id) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var completed = form["action"].ToString() == "complete";
            return acquirer.CompleteChallenge(id, completed)
                ? Results.Content("<!doctype html><title>3-D Secure</title><p>Authentication finished. You may return to the merchant.</p>", "text/html; charset=utf-8")
                : Results.NotFound();
        });
        return app;
    }

    private static string Page(string id)
    {
        var action = WebUtility.HtmlEncode(id);
        return "<!doctype html><html><head><meta charset=\"utf-8\"><title>3-D Secure</title></head><body>"
            + "<h1>Confirm this payment</h1><p>Your bank asks you to confirm this card payment.</p>"
            + $"<form method=\"post\" action=\"{action}\">"
            + "<button name=\"action\" value=\"complete\">Confirm</button> <button name=\"action\" value=\"cancel\">Cancel</button>"
            + "</form></body></html>";
    }
}
