namespace Sluice.EndToEnd.Tests.Filters.Transformation;

/// <summary>The YAML the transformation tests serve: Gloo's field names, Liquid templates.</summary>
internal static class TransformationRoutes
{
    public const string VirtualService = """
        apiVersion: gateway.solo.io/v1
        kind: VirtualService
        metadata:
          name: transform
          namespace: default
        spec:
          virtualHost:
            domains: ['*']
            routes:
              - matchers: [{prefix: /extract/}]
                routeAction: {single: {upstream: {name: echo}}}
                options:
                  transformations:
                    requestTransformation:
                      transformationTemplate:
                        extractors:
                          uid:
                            header: x-user
                            regex: 'user-(\d+)'
                            subgroup: 1
                          tenant:
                            body: {}
                            regex: '.*"tenant":"([a-z]+)".*'
                            subgroup: 1
                        headers:
                          x-user-id: {text: '{{ uid }}'}
                          x-tenant: {text: '{{ extraction("tenant") }}'}
              - matchers: [{prefix: /headers/}]
                routeAction: {single: {upstream: {name: echo}}}
                options:
                  transformations:
                    requestTransformation:
                      transformationTemplate:
                        headers:
                          x-greeting: {text: 'hello {{ header("x-name") }} from {{ header(":method") }} {{ header(":path") }}'}
                          x-shout: {text: '{{ "x-name" | header | upcase }}'}
                        headersToAppend:
                          - key: x-multi
                            value: {text: 'second'}
                        headersToRemove: [x-secret]
                        passthrough: {}
              - matchers: [{prefix: /json-body/}]
                routeAction: {single: {upstream: {name: echo}}}
                options:
                  transformations:
                    requestTransformation:
                      transformationTemplate:
                        headers:
                          content-type: {text: 'application/json'}
                        body:
                          text: '{"id":{{ user.id }},"name":"{{ user.name | upcase }}","first_tag":"{{ tags[0] }}","missing":"{{ user.nickname }}"}'
              - matchers: [{prefix: /passthrough/}]
                routeAction: {single: {upstream: {name: echo}}}
                options:
                  transformations:
                    requestTransformation:
                      transformationTemplate:
                        headers:
                          x-passed: {text: 'yes'}
                        passthrough: {}
              - matchers: [{prefix: /merge/}]
                routeAction: {single: {upstream: {name: echo}}}
                options:
                  transformations:
                    requestTransformation:
                      transformationTemplate:
                        extractors:
                          order.id:
                            header: ':path'
                            regex: '/merge/orders/(\d+)'
                            subgroup: 1
                          caller:
                            header: x-caller
                            regex: '.*'
                        mergeExtractorsToBody: {}
              - matchers: [{prefix: /strict/}]
                routeAction: {single: {upstream: {name: echo}}}
                options:
                  transformations:
                    requestTransformation:
                      transformationTemplate:
                        body: {text: 'name={{ name }}'}
              - matchers: [{prefix: /dontparse/}]
                routeAction: {single: {upstream: {name: echo}}}
                options:
                  transformations:
                    requestTransformation:
                      transformationTemplate:
                        parseBodyBehavior: DontParse
                        body: {text: 'raw={{ body }};name=[{{ name }}]'}
              - matchers: [{prefix: /rewrite/}]
                routeAction: {single: {upstream: {name: echo}}}
                options:
                  transformations:
                    requestTransformation:
                      transformationTemplate:
                        extractors:
                          rest:
                            header: ':path'
                            regex: '/rewrite/([^?]*).*'
                            subgroup: 1
                        headers:
                          ':path': {text: '/v2/{{ rest }}?via=transform&{{ header("x-extra-query") }}'}
                          ':method': {text: 'PUT'}
                        passthrough: {}
              - matchers: [{prefix: /response/}]
                routeAction: {single: {upstream: {name: echo}}}
                options:
                  transformations:
                    responseTransformation:
                      transformationTemplate:
                        headers:
                          ':status': {text: '{% if header(":status") == "200" %}201{% endif %}'}
                          x-upstream-type: {text: '{{ header("content-type") }}'}
                          x-asked-for: {text: '{{ request_header(":path") }}'}
                        body:
                          text: '{"seen":"{{ path }}","by":"{{ backend }}","status":{{ header(":status") }}}'
              - matchers: [{prefix: /limit/}]
                routeAction: {single: {upstream: {name: echo}}}
                options:
                  transformations:
                    maxBodyBytes: 1024
                    requestTransformation:
                      transformationTemplate:
                        parseBodyBehavior: DontParse
                        headers:
                          x-length: {text: '{{ body | size }}'}
              - matchers: [{prefix: /big-response/}]
                routeAction: {single: {upstream: {name: echo}}}
                options:
                  transformations:
                    maxBodyBytes: 64
                    responseTransformation:
                      transformationTemplate:
                        body: {text: '{{ path }}'}
              - matchers: [{prefix: /add-body/}]
                routeAction: {single: {upstream: {name: echo}}}
                options:
                  transformations:
                    requestTransformation:
                      transformationTemplate:
                        headers:
                          content-type: {text: 'application/json'}
                        body: {text: '{"added":"{{ header("x-val") }}"}'}
              - matchers: [{prefix: /staged/}]
                routeAction: {single: {upstream: {name: status}}}
                options:
                  stagedTransformations:
                    early:
                      requestTransforms:
                        - requestTransformation:
                            transformationTemplate:
                              headers:
                                x-early: {text: 'early'}
                    regular:
                      requestTransforms:
                        - matcher:
                            prefix: /staged/admin
                          requestTransformation:
                            transformationTemplate:
                              headers:
                                x-regular: {text: 'admin'}
                        - matcher:
                            prefix: /staged/
                            headers:
                              - name: x-early
                                value: early
                          requestTransformation:
                            transformationTemplate:
                              headers:
                                x-regular: {text: 'after {{ header("x-early") }}'}
                      responseTransforms:
                        - matchers:
                            - name: ':status'
                              value: '5\d\d'
                              regex: true
                          responseTransformation:
                            transformationTemplate:
                              headers:
                                ':status': {text: '502'}
                                content-type: {text: 'application/json'}
                              body: {text: '{"error":"upstream said {{ header(":status") }}"}'}
                        - matchers:
                            - name: ':status'
                              value: '200'
                          responseTransformation:
                            transformationTemplate:
                              headers:
                                x-ok: {text: 'yes'}
                              passthrough: {}

        """;

    public const string BrokenVirtualService = """
        apiVersion: gateway.solo.io/v1
        kind: VirtualService
        metadata:
          name: broken
          namespace: default
        spec:
          virtualHost:
            domains: [broken.test]
            routes:
              - matchers: [{prefix: /}]
                routeAction: {single: {upstream: {name: echo}}}
                options:
                  transformations:
                    requestTransformation:
                      transformationTemplate:
                        headers:
                          x-foo:
                            text: '{{ header( }}'

        """;
}
