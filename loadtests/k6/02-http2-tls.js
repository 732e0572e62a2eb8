// Scenario 2: HTTP/2 over TLS, and TLS HTTP/1.1 with a new connection (full handshake) per request.
//
//   k6 run -e TARGET_URL=https://127.0.0.1:18443 loadtests/k6/02-http2-tls.js                 # TLS + h2
//   GODEBUG=http2client=0 k6 run -e MODE=new-conn -e TARGET_URL=https://127.0.0.1:18443 \
//       loadtests/k6/02-http2-tls.js                                                            # TLS h1, handshakes
//
// k6 negotiates HTTP/2 by ALPN on its own and cannot speak h2c (cleartext prior knowledge): loadtests/run
// measures h2c with h2load. GODEBUG=http2client=0 keeps k6 on HTTP/1.1.
// Environment: TARGET_URL (https, default https://127.0.0.1:18443; the certificate is self-signed),
// MODE (h2 | new-conn), VUS (32), DURATION (30s), P99_MS (threshold, 50; new-conn: 200).
import http from 'k6/http';
import { check } from 'k6';

const TARGET = (__ENV.TARGET_URL || 'https://127.0.0.1:18443').replace(/\/$/, '');
const MODE = __ENV.MODE || 'h2';
const VUS = Number(__ENV.VUS || 32);
const DURATION = __ENV.DURATION || '30s';
const NEW_CONN = MODE === 'new-conn';
const P99_MS = Number(__ENV.P99_MS || (NEW_CONN ? 200 : 50));

export const options = {
  insecureSkipTLSVerify: true,
  noConnectionReuse: NEW_CONN,
  scenarios: {
    tls: { executor: 'constant-vus', vus: VUS, duration: DURATION },
  },
  thresholds: {
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
    http_req_duration: [`p(99)<${P99_MS}`],
  },
  summaryTrendStats: ['avg', 'med', 'p(99)', 'p(99.9)', 'max'],
};

export default function () {
  const res = http.get(`${TARGET}/b/3`);
  check(res, {
    'status 200': (r) => r.status === 200,
    'protocol as asked': (r) => (NEW_CONN ? r.proto === 'HTTP/1.1' : r.proto === 'HTTP/2.0'),
  });
}
