using System.Collections;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Paygate.EndToEnd.Tests.Fuzz;

/// <summary>
/// Request messages for any method, from one seeded generator: well-formed messages with random and boundary values
/// (huge and empty strings, ids of every kind, bad page tokens, unknown enum numbers, out-of-range timestamps),
/// the same with a string field that is not UTF-8, raw random bytes, and damaged encodings.
/// </summary>
internal sealed class FuzzInputs(int seed, IReadOnlyList<string> knownIds)
{
    private const string Base32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private readonly Random _random = new(seed);

    private static readonly string[] Currencies = ["CNY", "USD", "EUR", "JPY", "HKD", "GBP", "SGD", "XYZ", "cny", "US", "USDD"];
    private static readonly string[] Channels = ["alipay", "wechatpay", "unionpay", "card", "banktransfer", "swift", "ALIPAY", "paypal"];
    private static readonly string[] Urls = ["https://merchant.example/hooks", "http://127.0.0.1:1/x", "ftp://example.com/", "javascript:alert(1)",
        "https://user:pw@example.com/#frag", "http://[::1", "https://例え.jp/フック"];
    private static readonly string[] Numbers = ["0", "1", "-1", "00", "+5", "9223372036854775807", "9223372036854775808", "18446744073709551616", "1e3", " 7"];
    private static readonly string[] EventTypes = ["payment.created", "payment.succeeded", "refund.succeeded", "payment.*", "PAYMENT.CREATED"];
    private static readonly long[] Int64Edges = [0, 1, -1, 99, 100, 8888, 12_000, 500_001, 1_000_000, 50_000_000, 10_000_000_000, long.MaxValue, long.MinValue, int.MaxValue + 1L];
    private static readonly int[] Int32Edges = [0, 1, -1, 12, 13, 100, 101, 500, 501, 2031, 1999, int.MaxValue, int.MinValue];

    /// <summary>One request message for <paramref name="message"/>, as bytes on the wire.</summary>
    public byte[] Next(MessageDescriptor message)
    {
        var roll = _random.Next(100);
        if (roll < 60)
        {
            return Message(message, depth: 0).ToByteArray();
        }
        if (roll < 75)
        {
            return WithInvalidUtf8(message, Message(message, depth: 0).ToByteArray());
        }
        if (roll < 88)
        {
            return Bytes(_random.Next(0, 48));
        }
        return Damaged(Message(message, depth: 0).ToByteArray());
    }

    private IMessage Message(MessageDescriptor descriptor, int depth)
    {
        var message = (IMessage)Activator.CreateInstance(descriptor.ClrType)!;
        foreach (var field in descriptor.Fields.InFieldNumberOrder())
        {
            if (_random.Next(4) == 0 || (field.FieldType == FieldType.Message && depth >= 3))
            {
                continue;
            }
            if (field.IsMap)
            {
                var map = (IDictionary)field.Accessor.GetValue(message);
                var entry = field.MessageType;
                for (var i = _random.Next(4); i > 0; i--)
                {
                    map[Value(entry.FindFieldByNumber(1), depth + 1)] = Value(entry.FindFieldByNumber(2), depth + 1);
                }
            }
            else if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                for (var i = _random.Next(4); i > 0; i--)
                {
                    list.Add(Value(field, depth + 1));
                }
            }
            else
            {
                field.Accessor.SetValue(message, Value(field, depth + 1));
            }
        }
        return message;
    }

    private object Value(FieldDescriptor field, int depth) => field.FieldType switch
    {
        FieldType.String => Text(field.Name),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => _random.Next(3) == 0 ? _random.NextInt64(long.MinValue, long.MaxValue) : Pick(Int64Edges),
        FieldType.Int32 when field.Name == "page_size" && _random.Next(3) > 0 => Pick([0, 1, 20, 100]),
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => _random.Next(3) == 0 ? _random.Next(int.MinValue, int.MaxValue) : Pick(Int32Edges),
        FieldType.UInt64 or FieldType.Fixed64 => (ulong)_random.NextInt64(),
        FieldType.UInt32 or FieldType.Fixed32 => (uint)_random.Next(),
        FieldType.Bool => _random.Next(2) == 0,
        FieldType.Double => Pick([0.0, -1.0, double.NaN, double.PositiveInfinity, double.MaxValue]),
        FieldType.Float => Pick([0f, -1f, float.NaN, float.NegativeInfinity]),
        FieldType.Bytes => ByteString.CopyFrom(Bytes(_random.Next(0, 16))),
        // Defined values, the unspecified zero, and numbers no version of the contract defines.
        FieldType.Enum => Enum.ToObject(field.EnumType.ClrType, _random.Next(3) == 0
            ? Pick([-1, 99, int.MaxValue, int.MinValue, field.EnumType.Values.Count])
            : Pick(field.EnumType.Values.Select(v => v.Number).ToArray())),
        FieldType.Message => Message(field.MessageType, depth),
        _ => throw new NotSupportedException(field.FieldType.ToString()),
    };

    /// <summary>A string for a field, biased towards what the field holds (an id, a currency, a token...) so validation is passed now and then.</summary>
    private string Text(string field)
    {
        if (_random.Next(3) > 0)
        {
            switch (field)
            {
                case "id" or "payment_id" or "endpoint_id":
                    return Pick([.. knownIds, Id("pay_"), Id("re_"), Id("we_"), Id("pay_").ToLowerInvariant(), "pay_", "42"]);
                case "request_id":
                    return Pick([new Guid(Bytes(16)).ToString(), "00000000-0000-0000-0000-000000000000", "not-a-uuid", new Guid(Bytes(16)).ToString("N")]);
                case "currency":
                    return Pick(Currencies);
                case "channel":
                    return Pick(Channels);
                case "url":
                    return Pick(Urls);
                case "page_token":
                    return PageToken();
                case "after_cursor" or "account_servicer_ref":
                    return Pick(Numbers);
                case "event_types":
                    return Pick(EventTypes);
                case "country":
                    return Pick(["CN", "US", "cn", "ZZ", "CHN"]);
            }
        }
        return _random.Next(12) switch
        {
            0 => "",
            1 => new string('x', _random.Next(1_000, 20_000)),
            2 => "\0\u0001\n\r\t\u007f\u202e",
            3 => "支付 🧾 e\u0301 \uFEFF",
            4 => Pick(Numbers),
            5 => " ",
            // Bigger than the largest request message the API accepts.
            6 when _random.Next(10) == 0 => new string('y', 70_000),
            _ => Ascii(_random.Next(1, 40)),
        };
    }

    /// <summary>Tokens shaped like the ones ListPayments issues, holding what no payment can have, and plain junk.</summary>
    private string PageToken()
    {
        var ms = Pick(["0", "-1", "9223372036854775807", "253402300800000", "-62135596800001", "1780000000000", "x"]);
        var content = _random.Next(2) == 0
            ? $"v1|{ms}|{Id("pay_")}|"
            : Pick([$"v1|{ms}|{Id("pay_")}|{Pick(["1", "7", "99", "-3"])}", $"v2|{ms}|x|", "v1|||", "v1"]);
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes(content)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return _random.Next(2) == 0 ? token : Pick([token + "=", "%%%", "AAAA", Ascii(30), token[..Math.Max(1, token.Length / 2)]]);
    }

    /// <summary>The message with one more string field (the last value wins in protobuf) whose bytes are not UTF-8.</summary>
    private byte[] WithInvalidUtf8(MessageDescriptor message, byte[] encoded)
    {
        var strings = message.Fields.InFieldNumberOrder().Where(f => f.FieldType == FieldType.String).ToList();
        var number = strings.Count > 0 ? Pick(strings.ToArray()).FieldNumber : 1;
        byte[] invalid = Pick<byte[]>([[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0x61, 0xE2, 0x82], [0xF8, 0x88, 0x80, 0x80, 0x80]]);
        using var stream = new MemoryStream();
        stream.Write(encoded);
        var output = new CodedOutputStream(stream);
        output.WriteTag(number, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(invalid));
        output.Flush();
        return stream.ToArray();
    }

    /// <summary>The encoding cut short, or with bytes flipped.</summary>
    private byte[] Damaged(byte[] encoded)
    {
        if (encoded.Length == 0)
        {
            return Bytes(_random.Next(1, 8));
        }
        if (_random.Next(2) == 0)
        {
            return encoded[..^_random.Next(1, Math.Min(encoded.Length, 6) + 1)];
        }
        var damaged = (byte[])encoded.Clone();
        for (var i = _random.Next(1, 4); i > 0; i--)
        {
            damaged[_random.Next(damaged.Length)] ^= (byte)(1 << _random.Next(8));
        }
        return damaged;
    }

    private byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private string Ascii(int length) => string.Concat(Enumerable.Range(0, length).Select(_ => (char)_random.Next(0x20, 0x7f)));

    private string Id(string prefix) => prefix + string.Concat(Enumerable.Range(0, 26).Select(_ => Base32[_random.Next(Base32.Length)]));

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];
}
