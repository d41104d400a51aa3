namespace Paygate.Simulators.Hosting;

/// <summary>
/// Issues sandbox merchant credentials on every simulated network and writes them as the configuration keys the
/// gateway's channels read (<c>Channels:&lt;Channel&gt;:...</c>), and the rates source (<c>Fx:RatesUrl</c>). The simulators stay independent of the adapters:
/// this is only the shape of the settings.
/// </summary>
public static class SandboxSettings
{
    public static Dictionary<string, string?> For(SimulatorHost host)
    {
        var alipay = host.Alipay.IssueSandboxApp();
        var wechat = host.WeChatPay.IssueSandboxMerchant();
        var card = host.Card.IssueSandboxAccount();
        var unionPay = host.UnionPay.IssueSandboxMerchant();
        var swift = host.Swift.IssueSandboxClient();
        var bank = host.Bank.IssueSandboxAccount();
        return new Dictionary<string, string?>
        {
            ["Channels:Alipay:GatewayUrl"] = host.AlipayGatewayUrl,
            ["Channels:Alipay:AppId"] = alipay.AppId,
            ["Channels:Alipay:PrivateKeyPem"] = alipay.MerchantPrivateKeyPem,
            ["Channels:Alipay:AlipayPublicKeyPem"] = alipay.AlipayPublicKeyPem,
            ["Channels:WeChatPay:BaseUrl"] = host.WeChatPayBaseUrl,
            ["Channels:WeChatPay:MchId"] = wechat.MchId,
            ["Channels:WeChatPay:AppId"] = wechat.AppId,
            ["Channels:WeChatPay:MerchantSerialNo"] = wechat.MerchantSerialNo,
            ["Channels:WeChatPay:PrivateKeyPem"] = wechat.MerchantPrivateKeyPem,
            ["Channels:WeChatPay:ApiV3Key"] = wechat.ApiV3Key,
            [$"Channels:WeChatPay:PlatformPublicKeys:{wechat.PlatformSerialNo}"] = wechat.PlatformPublicKeyPem,
            ["Channels:Card:BaseUrl"] = host.CardBaseUrl,
            ["Channels:Card:MerchantAccount"] = card.MerchantAccount,
            ["Channels:Card:ApiKey"] = card.ApiKey,
            ["Channels:Card:SigningSecret"] = card.SigningSecret,
            ["Channels:UnionPay:BaseUrl"] = host.UnionPayBaseUrl,
            ["Channels:UnionPay:MerId"] = unionPay.MerId,
            ["Channels:UnionPay:SigningCertificatePem"] = unionPay.SigningCertificatePem,
            ["Channels:UnionPay:PrivateKeyPem"] = unionPay.PrivateKeyPem,
            ["Channels:UnionPay:RootCertificatePem"] = unionPay.RootCertificatePem,
            ["Channels:UnionPay:MiddleCertificatePem"] = unionPay.MiddleCertificatePem,
            ["Channels:Swift:BaseUrl"] = host.SwiftBaseUrl,
            ["Channels:Swift:ApiKey"] = swift.ApiKey,
            ["Channels:Swift:SigningSecret"] = swift.SigningSecret,
            ["Channels:Swift:SenderLogicalTerminal"] = swift.LogicalTerminal,
            ["Channels:Swift:ReceiverAddress"] = swift.ReceiverAddress,
            ["Channels:Swift:BeneficiaryAccount"] = "DE89370400440532013000",
            ["Channels:Swift:BeneficiaryNameAndAddress:0"] = "PAYGATE SANDBOX MERCHANT GMBH",
            ["Channels:Swift:BeneficiaryNameAndAddress:1"] = "FRIEDRICHSTRASSE 1",
            ["Channels:Swift:BeneficiaryNameAndAddress:2"] = "10117 BERLIN",
            ["Channels:BankTransfer:BaseUrl"] = host.BankBaseUrl,
            ["Channels:BankTransfer:ApiKey"] = bank.ApiKey,
            ["Channels:BankTransfer:SigningSecret"] = bank.SigningSecret,
            ["Channels:BankTransfer:Account"] = bank.Account,
            ["Channels:BankTransfer:AccountName"] = bank.AccountName,
            ["Channels:BankTransfer:BankName"] = bank.BankName,
            ["Channels:BankTransfer:Bic"] = bank.Bic,
            ["Fx:RatesUrl"] = host.FxRatesUrl,
        };
    }
}
