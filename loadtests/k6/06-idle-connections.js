// Scenario 6: many idle keep-alive connections. Each VU opens its own connection, makes one request and then
// holds the connection idle; read the proxy's resident memory (VmRSS) while they are held.
//
//   k6 run -e TARGET_URL=http://127.0.0.1:18080 -e CONNECTIONS=10000 loadtests/k6/06-idle-connections.js
//
// loadtests/run does this with lib/idle_conns.py (cheaper than 10,000 VUs). Keep CONNECTIONS within
// `ulimit -n` of both k6 and the proxy.
// Environment: TARGET_URL, CONNECTIONS (1000), HOLD_SECONDS (30).
import http from 'k6/http';
import { check, sleep } from 'k6';

const TARGET = (__ENV.TARGET_URL || 'http://127.0.0.1:18080').replace(/\/$/, '');
const CONNECTIONS = Number(__ENV.CONNECTIONS || 1000);
const HOLD_SECONDS = Number(__ENV.HOLD_SECONDS || 30);

export const options = {
  scenarios: {
    idle: {
      executor: 'per-vu-iterations', vus: CONNECTIONS, iterations: 1,
      maxDuration: `${HOLD_SECONDS + 60}s`,
    },
  },
  thresholds: {
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
    http_reqs: [`count>=${CONNECTIONS}`],
  },
};

export default function () {
  const res = http.get(`${TARGET}/b/3`);
  check(res, { 'status 200': (r) => r.status === 200 });
  sleep(HOLD_SECONDS);
}
