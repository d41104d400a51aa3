using System.CommandLine;
using Paygate.Cli.Failures;
using Paygate.V1;
using Spectre.Console;

namespace Paygate.Cli.Commands;

/// <summary><c>paygate errors [code]</c>: the catalogue of PM codes with what each means and what to do (ChannelService.ListErrorCodes, operator key).</summary>
public static class ErrorsCommand
{
    public static Command Create(CommandContextFactory commands)
    {
        var code = new Argument<string?>("code") { Description = "Only this code, e.g. PM-6018 (or a prefix such as PM-1 for a family).", Arity = ArgumentArity.ZeroOrOne };
        var errors = new Command("errors", "Lists the unified error codes: meaning, gRPC status, the gateway's decision and what to do. Needs the operator key.") { code };
        commands.SetAction(errors, async (context, ct) =>
        {
            var response = await context.Channels.ListErrorCodesAsync(ct);
            if (context.Parsed.GetValue(code) is { Length: > 0 } wanted)
            {
                var chosen = response.Codes.Where(c => c.Code.StartsWith(wanted.ToUpperInvariant(), StringComparison.Ordinal)).ToList();
                if (chosen.Count == 0)
                {
                    throw new UsageException($"no error code starts with '{wanted}': see paygate errors");
                }
                response = new ListErrorCodesResponse { Codes = { chosen } };
            }
            if (context.Output.Json)
            {
                context.Output.WriteJson(response);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("code", "meaning", "status", "decision", "what to do", "for the payer");
            foreach (var c in response.Codes)
            {
                table.AddRow(new Text(c.Code), new Text(c.Meaning), new Text(c.GrpcStatus), new Text(c.Decision), new Text(WhatToDo(c.Decision)), new Text(c.PayerMessage));
            }
            context.Output.Write(table);
            return ExitCodes.Ok;
        });
        return errors;
    }

    /// <summary>What a merchant does about a code, from the gateway's decision for it.</summary>
    public static string WhatToDo(string decision) => decision switch
    {
        "RETRY_SAME" => "retry later with the same request_id (after the RetryInfo delay)",
        "FAIL_OVER" => "nothing: the gateway tries the next channel; if none is left, retry later",
        "QUERY_FIRST" => "do not pay again: watch the payment until it is final",
        "DO_NOT_RETRY" => "do not repeat as is: fix the request, or ask the payer for another method",
        _ => "",
    };
}
