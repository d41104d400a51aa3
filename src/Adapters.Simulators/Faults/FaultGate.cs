using Microsoft.AspNetCore.Http;

namespace Paygate.Simulators.Faults;

/// <summary>How every simulated endpoint applies its network's fault plan to one HTTP call.</summary>
public static class FaultGate
{
    /// <summary>
    /// Draws the call's fate and plays the part that comes before processing: latency, an outage (503) or a
    /// hang that ends in a dropped connection. Returns null when the call has been answered (or dropped) already.
    /// </summary>
    public static async Task<FaultDecision?> EnterAsync(HttpContext context, FaultInjector faults, string method)
    {
        var fault = faults.Draw(method);
        if (fault.Kind == FaultKind.Timeout)
        {
            await Task.Delay(fault.DelayMs, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            context.Abort();
            return null;
        }
        if (fault.DelayMs > 0)
        {
            await Task.Delay(fault.DelayMs, context.RequestAborted);
        }
        if (fault.Kind == FaultKind.Outage)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return null;
        }
        return fault;
    }

    /// <summary>After processing: true when the response must be lost (the connection is aborted instead).</summary>
    public static bool LoseResponse(HttpContext context, FaultDecision fault)
    {
        if (fault.Kind != FaultKind.LoseResponse)
        {
            return false;
        }
        context.Abort();
        return true;
    }

    /// <summary>
    /// The body as the merchant receives it: unchanged, or altered after signing when the plan tampers with
    /// responses. The change keeps the JSON valid, so only the signature check can notice it.
    /// </summary>
    public static string Deliver(string signedBody, FaultDecision fault)
    {
        if (fault.Kind != FaultKind.TamperResponse)
        {
            return signedBody;
        }
        var last = signedBody.LastIndexOf('}');
        return last < 0 ? signedBody + " " : signedBody[..last] + " " + signedBody[last..];
    }
}
