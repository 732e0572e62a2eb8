using Sluice.Discovery.Loading;
using Sluice.Discovery.Snapshots;
using Sluice.Filters;
using Sluice.Gateway.Configuration;
using Sluice.Gateway.DataPlane;
using Sluice.Gateway.Translation;

namespace Sluice.Gateway.Tests.Inspection;

/// <summary>YAML loaded, validated and translated exactly as the gateway does, for the inspection tests.</summary>
internal sealed class CompiledYaml : IDisposable
{
    private readonly UpstreamInvokerPool _invokers = new();

    public CompiledYaml(string yaml, string file = "/config/test.yaml")
    {
        var loaded = new ResourceFileLoader(FilterRegistry.Default).Load(file, yaml);
        var snapshot = SnapshotBuilder.Build([loaded], new LastGoodResources(), ResourceSnapshot.Empty, TimeProvider.System);
        Config = new ConfigTranslator(FilterRegistry.Default, _invokers, new CertificateCache()).Translate(snapshot);
    }

    public CompiledConfig Config { get; }

    public void Dispose() => _invokers.Dispose();

    /// <summary>
    /// A Gateway with listener-wide options, a virtual host with its own, a delegating route with its own, a
    /// RouteTable whose routes add theirs, and a weighted destination with its own: every layer of the merge.
    /// </summary>
    public const string Layered = """
        apiVersion: gateway.sluice.dev/v1
        kind: Gateway
        metadata: {name: http, namespace: default}
        spec:
          bindAddress: 127.0.0.1
          bindPort: 8080
          httpGateway:
            options:
              timeout: 30s
              retries: {retryOn: 5xx, numRetries: 2}
        ---
        apiVersion: gateway.sluice.dev/v1
        kind: Upstream
        metadata: {name: a, namespace: default}
        spec: {static: {hosts: [{addr: 127.0.0.1, port: 9001}]}}
        ---
        apiVersion: gateway.sluice.dev/v1
        kind: Upstream
        metadata: {name: b, namespace: default}
        spec: {static: {hosts: [{addr: 127.0.0.1, port: 9002}, {addr: 127.0.0.1, port: 9003}]}}
        ---
        apiVersion: gateway.sluice.dev/v1
        kind: VirtualService
        metadata: {name: shop, namespace: default}
        spec:
          virtualHost:
            domains: [shop.test]
            options:
              timeout: 20s
              headerManipulation:
                requestHeadersToAdd:
                  - header: {key: x-vh, value: from-vh}
            routes:
              - name: api
                matchers: [{prefix: /api}]
                delegateAction: {ref: {name: api}}
                options:
                  hostRewrite: api.internal
              - name: split
                matchers: [{prefix: /split}]
                routeAction:
                  multi:
                    destinations:
                      - destination: {upstream: {name: a}}
                        weight: 3
                      - destination: {upstream: {name: b}}
                        weight: 1
                        options:
                          prefixRewrite: /b
              - name: catch-all
                matchers: [{prefix: /}]
                routeAction: {single: {upstream: {name: a}}}
        ---
        apiVersion: gateway.sluice.dev/v1
        kind: RouteTable
        metadata: {name: api, namespace: default}
        spec:
          routes:
            - name: api-users
              matchers: [{prefix: /api/users}]
              routeAction: {single: {upstream: {name: b}}}
              options:
                timeout: 5s
                regexRewrite: {pattern: {regex: '^/api/users/([0-9]+)$'}, substitution: '/users/\1'}
            - name: api-rest
              matchers: [{prefix: /api}]
              routeAction: {single: {upstream: {name: a}}}
              options:
                prefixRewrite: /v2
        """;
}
