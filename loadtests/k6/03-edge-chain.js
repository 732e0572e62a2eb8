// Scenario 3: the typical edge chain. 50 virtual hosts x 20 routes; the request matches the last route of the
// last host, whose options rewrite the prefix and the Host header and set a timeout.
//
//   k6 run -e TARGET_URL=http://127.0.0.1:18080 loadtests/k6/03-edge-chain.js
//
// The proxy must be running the "edge" configuration that loadtests/lib/gen_configs.py writes
// (proxies --mode edge --vhosts 50 --routes 20 --regex-every 2).
// Environment: TARGET_URL (default http://127.0.0.1:18080), VHOSTS (50), ROUTES (20), VUS (32),
// DURATION (30s), RATE (0 = closed loop), P99_MS (threshold, 50).
import http from 'k6/http';
import { check } from 'k6';

const TARGET = (__ENV.TARGET_URL || 'http://127.0.0.1:18080').replace(/\/$/, '');
const VHOSTS = Number(__ENV.VHOSTS || 50);
const ROUTES = Number(__ENV.ROUTES || 20);
const VUS = Number(__ENV.VUS || 32);
const DURATION = __ENV.DURATION || '30s';
const RATE = Number(__ENV.RATE || 0);
const P99_MS = Number(__ENV.P99_MS || 50);

const HOST = `vh${VHOSTS - 1}.bench.local`;
const PATH = `/api/r${ROUTES - 1}/b/3`;

export const options = {
  scenarios: {
    last_route: RATE > 0
      ? { executor: 'constant-arrival-rate', rate: RATE, timeUnit: '1s', duration: DURATION, preAllocatedVUs: VUS, maxVUs: VUS * 4 }
      : { executor: 'constant-vus', vus: VUS, duration: DURATION },
  },
  thresholds: {
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
    http_req_duration: [`p(99)<${P99_MS}`],
  },
  summaryTrendStats: ['avg', 'med', 'p(99)', 'p(99.9)', 'max'],
};

export default function () {
  const res = http.get(`${TARGET}${PATH}`, { headers: { Host: HOST } });
  check(res, { 'status 200': (r) => r.status === 200, 'rewritten to /b/3': (r) => r.body === 'ok\n' });
}
