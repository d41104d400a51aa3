using Paygate.Cli;

return await PaygateCommandLine.RunAsync(args, CliHost.ForProcess(), CancellationToken.None);
