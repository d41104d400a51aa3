using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.Net.Http.Headers;
using Paygate.Adapters.Errors;
using Paygate.Gateway.Extensions;
using Paygate.Gateway.Payments;

namespace Paygate.Gateway.Api;

/// <summary>
/// Checks a REST request before JSON transcoding binds it, so that bad input is the caller's error, named by field:
/// a body that is not JSON (content type), larger than <see cref="GatewayServiceCollectionExtensions.MaxRequestBytes"/>,
/// malformed, with a field the message does not have (the transcoder would drop it silently) or a value of the wrong
/// type, and query parameters likewise, answer 400 with a <c>google.rpc.Status</c> (ErrorInfo <c>PM-6001</c>, a
/// BadRequest naming each field by its proto path), never an exception's text.
/// </summary>
internal sealed class RestRequestGuard(RequestDelegate next)
{
    private const int MaxDepth = 32;

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is not { } transcoding)
        {
            await next(context);
            return;
        }
        var violations = new List<FieldViolation>();
        var input = transcoding.MethodDescriptor.InputType;
        CheckQuery(context.Request.Query, input, violations);
        if (transcoding.HttpRule.Body is { Length: > 0 } body)
        {
            var target = body == "*" ? input : input.FindFieldByName(body)?.MessageType ?? input;
            await CheckBodyAsync(context.Request, target, violations);
        }
        if (violations.Count == 0)
        {
            await next(context);
            return;
        }
        await WriteAsync(context.Response, violations);
    }

    /// <summary>The refusal, as the transcoder writes statuses: HTTP 400, the status as JSON.</summary>
    private static async Task WriteAsync(HttpResponse response, List<FieldViolation> violations)
    {
        var exception = ErrorInterceptor.ToRpcException(ErrorCatalogue.InvalidArgument,
            $"the request is invalid: {violations[0].Field}: {violations[0].Reason}", violations, new Dictionary<string, string>());
        var status = exception.Trailers.GetValueBytes("grpc-status-details-bin") is { } details
            ? Google.Rpc.Status.Parser.ParseFrom(details)
            : new Google.Rpc.Status { Code = (int)Grpc.Core.StatusCode.InvalidArgument, Message = exception.Status.Detail };
        response.StatusCode = StatusCodes.Status400BadRequest;
        response.ContentType = "application/json; charset=utf-8";
        await response.WriteAsync(RestApi.StatusFormatter.Format(status));
    }

    private static async Task CheckBodyAsync(HttpRequest request, MessageDescriptor message, List<FieldViolation> violations)
    {
        if (request.ContentLength is > GatewayServiceCollectionExtensions.MaxRequestBytes)
        {
            violations.Add(TooLarge());
            return;
        }
        request.EnableBuffering();
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > GatewayServiceCollectionExtensions.MaxRequestBytes)
            {
                violations.Add(TooLarge());
                return;
            }
        }
        request.Body.Position = 0;
        if (buffer.Length == 0)
        {
            // No body binds nothing (e.g. a cancel without request_id): the fields come from the path and the query. The
            // transcoder would refuse it for want of a JSON content type, so it gets an empty JSON object.
            request.Body = new MemoryStream("{}"u8.ToArray());
            request.ContentLength = 2;
            request.ContentType = "application/json";
            return;
        }
        if (!IsJson(request.ContentType))
        {
            violations.Add(new FieldViolation("content-type", $"the body must be JSON, sent as 'content-type: application/json' (not '{Shorten(request.ContentType ?? "")}')"));
            return;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            violations.Add(new FieldViolation(MalformedAt(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)),
                $"the body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})"));
            return;
        }
        using (document)
        {
            CheckMessage(document.RootElement, message, "", violations);
        }
    }

    private static FieldViolation TooLarge() =>
        new("body", $"the body is larger than {GatewayServiceCollectionExtensions.MaxRequestBytes} bytes");

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase))
        && (!media.Charset.HasValue || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    /// <summary>The field whose value malformed JSON broke off in (e.g. <c>customer.type</c>), or <c>body</c>.</summary>
    private static string MalformedAt(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        var names = new List<string>(); // per open container: the property whose value is being read, "" when none
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        names.Add("");
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        names.RemoveAt(names.Count - 1);
                        Done(names);
                        break;
                    case JsonTokenType.PropertyName:
                        names[^1] = reader.GetString() ?? "";
                        break;
                    default:
                        Done(names);
                        break;
                }
            }
        }
        catch (JsonException)
        {
        }
        var path = string.Join('.', names.Where(n => n.Length > 0));
        return path.Length > 0 ? path : "body";

        static void Done(List<string> names)
        {
            if (names.Count > 0)
            {
                names[^1] = "";
            }
        }
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "...";

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static FieldDescriptor? Field(MessageDescriptor message, string name) =>
        message.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == name || f.Name == name);

    private static void CheckMessage(JsonElement value, MessageDescriptor message, string path, List<FieldViolation> violations)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return;
        }
        if (message.File.Package == "google.protobuf")
        {
            // Well-known types (Timestamp, Duration, wrappers...) have their own JSON forms: protobuf's parser knows them.
            try
            {
                JsonParser.Default.Parse(value.GetRawText(), message);
            }
            catch (Exception ex) when (ex is InvalidProtocolBufferException or FormatException or InvalidOperationException)
            {
                violations.Add(new FieldViolation(path.Length == 0 ? "body" : path, message.Name == "Timestamp"
                    ? "must be an RFC 3339 time, e.g. \"2030-01-31T12:00:00Z\""
                    : $"must be a {message.FullName} in its JSON form"));
            }
            return;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            violations.Add(new FieldViolation(path.Length == 0 ? "body" : path, "must be a JSON object"));
            return;
        }
        foreach (var property in value.EnumerateObject())
        {
            var field = Field(message, property.Name);
            if (field is null)
            {
                violations.Add(new FieldViolation(Join(path, property.Name), $"unknown field: {message.Name} has no such field"));
                continue;
            }
            CheckField(property.Value, field, Join(path, field.Name), violations);
        }
    }

    private static void CheckField(JsonElement value, FieldDescriptor field, string path, List<FieldViolation> violations)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return;
        }
        if (field.IsMap)
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                violations.Add(new FieldViolation(path, "must be a JSON object"));
                return;
            }
            var valueField = field.MessageType.FindFieldByNumber(2);
            foreach (var entry in value.EnumerateObject())
            {
                CheckValue(entry.Value, valueField, $"{path}[{entry.Name}]", violations);
            }
            return;
        }
        if (field.IsRepeated)
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                violations.Add(new FieldViolation(path, "must be a JSON array"));
                return;
            }
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                CheckValue(item, field, $"{path}[{i++}]", violations);
            }
            return;
        }
        CheckValue(value, field, path, violations);
    }

    private static void CheckValue(JsonElement value, FieldDescriptor field, string path, List<FieldViolation> violations)
    {
        if (field.FieldType is FieldType.Message or FieldType.Group)
        {
            CheckMessage(value, field.MessageType, path, violations);
            return;
        }
        if (value.ValueKind == JsonValueKind.Null)
        {
            return;
        }
        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : value.ValueKind == JsonValueKind.Number ? value.GetRawText() : null;
        if (Scalar(field, text, value.ValueKind) is { } problem)
        {
            violations.Add(new FieldViolation(path, problem));
        }
    }

    /// <summary>Why <paramref name="text"/> (a JSON string's or number's text; null for other JSON values) is not a value of the field, or null.</summary>
    private static string? Scalar(FieldDescriptor field, string? text, JsonValueKind kind)
    {
        switch (field.FieldType)
        {
            case FieldType.String:
                return kind == JsonValueKind.String ? null : "must be a string";
            case FieldType.Bytes:
                return kind == JsonValueKind.String && IsBase64(text!) ? null : "must be a base64 string";
            case FieldType.Bool:
                return kind is JsonValueKind.True or JsonValueKind.False || text is "true" or "false" ? null : "must be true or false";
            case FieldType.Enum:
                var values = field.EnumType.Values;
                var known = text is not null && (values.Any(v => v.Name == text) || (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                    && values.Any(v => v.Number == number)));
                return known ? null : $"must be one of {string.Join(", ", values.Select(v => v.Name))}";
            case FieldType.Float or FieldType.Double:
                return text is not null && (text is "NaN" or "Infinity" or "-Infinity" || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    ? null : "must be a number";
            case FieldType.UInt32 or FieldType.Fixed32:
                return text is not null && uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? null : "must be a whole number from 0 to 4294967295";
            case FieldType.UInt64 or FieldType.Fixed64:
                return text is not null && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? null : "must be a whole number, 0 or more";
            case FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64:
                return text is not null && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? null : "must be a whole number (64-bit)";
            default:
                return text is not null && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? null : "must be a whole number (32-bit)";
        }
    }

    private static bool IsBase64(string text) => Convert.TryFromBase64String(text.Replace('-', '+').Replace('_', '/').PadRight((text.Length + 3) / 4 * 4, '='),
        new byte[text.Length], out _);

    /// <summary>Query parameters name fields by their (dotted) path; each must exist and hold a value of its type.</summary>
    private static void CheckQuery(IQueryCollection query, MessageDescriptor message, List<FieldViolation> violations)
    {
        foreach (var (key, values) in query)
        {
            var current = message;
            FieldDescriptor? field = null;
            var path = "";
            foreach (var part in key.Split('.'))
            {
                field = current is null ? null : Field(current, part);
                if (field is null)
                {
                    break;
                }
                path = Join(path, field.Name);
                current = field.FieldType == FieldType.Message ? field.MessageType : null;
            }
            if (field is null || field.FieldType == FieldType.Message || field.IsMap)
            {
                violations.Add(new FieldViolation(key, "unknown query parameter: not a field of the request"));
                continue;
            }
            foreach (var value in values)
            {
                var kind = field.FieldType is FieldType.String or FieldType.Bytes or FieldType.Enum ? JsonValueKind.String : JsonValueKind.Number;
                if (Scalar(field, value, kind) is { } problem)
                {
                    violations.Add(new FieldViolation(path, problem));
                }
            }
        }
    }
}
