using Sluice.Gateway.Cli;

namespace Sluice.EndToEnd.Tests.Ingress;

/// <summary><c>sluice validate</c> holds Ingress files to the API server's rules, with positions, and exits 1 on errors.</summary>
public sealed class IngressValidateCommandTests
{
    [Fact]
    public void Validate_ReportsIngressErrorsWithPositions()
    {
        var folder = Path.Combine(Path.GetTempPath(), "sluice-ingress-validate-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "ingress.yaml");
        File.WriteAllText(file, """
            apiVersion: networking.k8s.io/v1
            kind: IngressClass
            metadata: { name: sluice }
            spec: { controller: gateway.sluice.dev/ingress-controller }
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: { name: shop }
            spec:
              ingressClassName: sluice
              rules:
                - host: "*.*.example.com"
                  http:
                    paths:
                      - { path: /api/.*, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }
            """);
        using var output = new StringWriter();

        var exit = ValidateCommand.Run([folder], output);

        Directory.Delete(folder, recursive: true);
        Assert.Equal(1, exit);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains($"{file}:12:13: error: Ingress default/shop: rules[0].host: a wildcard may only be the whole first label ('*.example.com'), got '*.*.example.com'", lines);
        Assert.Contains(lines, l => l.StartsWith($"{file}:15:21: error: Ingress default/shop: rules[0].http.paths[0].path:", StringComparison.Ordinal));
    }
}
