using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Paygate.Gateway.Tests.Webhooks;

/// <summary>
/// A merchant endpoint on a loopback port, written at the level of bytes so that it can answer what no well-behaved
/// server would (endless or dripping bodies). It counts the connections it accepts, which is how a test knows that
/// the gateway sent it nothing at all, and records each request's first line and Host header.
/// </summary>
internal sealed class LoopbackEndpoint : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _requests = [];
    private readonly Task _accepting;
    private int _connections;

    public LoopbackEndpoint()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Writes the answer to a request; a plain 200 unless a test says otherwise.</summary>
    public Func<Stream, CancellationToken, Task> Answer { get; set; } = Status(200, "");

    /// <summary>Completes when the gateway closes a connection while the answer is still being written.</summary>
    public TaskCompletionSource ClosedMidAnswer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Each request as "METHOD /path host-header".</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public static Func<Stream, CancellationToken, Task> Status(int status, string body, string headers = "") => (stream, token) =>
        stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status} Scripted\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n{headers}\r\n"
            + body), token).AsTask();

    /// <summary>Headers, then <paramref name="start"/>, then <paramref name="next"/> for ever, a chunk every <paramref name="pause"/>.</summary>
    public static Func<Stream, CancellationToken, Task> Endless(int status, string start, string next, TimeSpan pause) => async (stream, token) =>
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} Scripted\r\nTransfer-Encoding: chunked\r\n\r\n"), token);
        for (var i = 0; ; i++)
        {
            if (i > 0 && pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, token);
            }
            var chunk = Encoding.UTF8.GetBytes(i == 0 ? start : next);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(chunk.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), token);
            await stream.WriteAsync(chunk, token);
            await stream.WriteAsync("\r\n"u8.ToArray(), token);
            await stream.FlushAsync(token);
        }
    };

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                _ = ServeAsync(client);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        try
        {
            var head = await ReadHeadAsync(stream);
            var lines = head.Split("\r\n");
            var host = lines.FirstOrDefault(l => l.StartsWith("Host:", StringComparison.OrdinalIgnoreCase))?[5..].Trim();
            var length = lines.FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) is { } header
                ? int.Parse(header[15..].Trim(), CultureInfo.InvariantCulture)
                : 0;
            await stream.ReadExactlyAsync(new byte[length], _stop.Token);
            lock (_requests)
            {
                _requests.Add($"{string.Join(' ', lines[0].Split(' ').Take(2))} {host}");
            }
            await Answer(stream, _stop.Token);
        }
        catch (IOException)
        {
            ClosedMidAnswer.TrySetResult();
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || !head.TakeLast(4).SequenceEqual("\r\n\r\n"u8.ToArray()))
        {
            await stream.ReadExactlyAsync(one, _stop.Token);
            head.Add(one[0]);
        }
        return Encoding.ASCII.GetString([.. head]);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
