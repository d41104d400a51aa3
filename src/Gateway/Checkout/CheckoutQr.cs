using System.Globalization;
using System.Net;
using System.Text;
using QRCoder;

namespace Paygate.Gateway.Checkout;

/// <summary>
/// Draws a QR code as an inline SVG on the server (QRCoder encodes; one path of dark runs, no style attributes, so the
/// page's Content-Security-Policy needs no inline styles and no image service is called).
/// </summary>
public static class CheckoutQr
{
    public static string Svg(string content, string label)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(content, QRCodeGenerator.ECCLevel.M);
        var matrix = data.ModuleMatrix;
        var size = matrix.Count;
        var path = new StringBuilder();
        for (var y = 0; y < size; y++)
        {
            var row = matrix[y];
            for (var x = 0; x < size; x++)
            {
                if (!row[x])
                {
                    continue;
                }
                var start = x;
                while (x + 1 < size && row[x + 1])
                {
                    x++;
                }
                path.Append(CultureInfo.InvariantCulture, $"M{start} {y}h{x - start + 1}v1H{start}z");
            }
        }
        return $"<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" role=\"img\" aria-label=\"{WebUtility.HtmlEncode(label)}\" shape-rendering=\"crispEdges\">"
            + $"<rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>";
    }
}
