# One image with the gateway and the simulators (compose.yaml picks which to run).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
COPY . .
RUN dotnet publish src/Gateway -c Release -o /app/gateway \
 && dotnet publish src/Adapters.Simulators -c Release -o /app/simulators

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app /app
ENTRYPOINT ["dotnet", "/app/gateway/Paygate.Gateway.dll"]
