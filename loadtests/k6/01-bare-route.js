// Scenario 1: bare route. GET with a 3-byte and a 4 KiB response, HTTP/1.1 keep-alive, 32 connections.
//
//   k6 run -e TARGET_URL=http://127.0.0.1:18080 loadtests/k6/01-bare-route.js
//
// Environment: TARGET_URL (default http://127.0.0.1:18080), VUS (32), DURATION per body (30s),
// RATE (requests/s per body; 0 = closed loop, as fast as the VUs go), P99_MS (threshold, 50).
// The backend behind the proxy serves /b/3 and /b/4k (see loadtests/lib/gen_configs.py).
import http from 'k6/http';
import { check } from 'k6';

const TARGET = (__ENV.TARGET_URL || 'http://127.0.0.1:18080').replace(/\/$/, '');
const VUS = Number(__ENV.VUS || 32);
const DURATION = __ENV.DURATION || '30s';
const RATE = Number(__ENV.RATE || 0);
const P99_MS = Number(__ENV.P99_MS || 50);

function load(exec, startTime) {
  if (RATE > 0) {
    return {
      executor: 'constant-arrival-rate', rate: RATE, timeUnit: '1s', duration: DURATION,
      preAllocatedVUs: VUS, maxVUs: VUS * 4, exec, startTime,
    };
  }
  return { executor: 'constant-vus', vus: VUS, duration: DURATION, exec, startTime };
}

export const options = {
  scenarios: {
    body_3b: load('small', '0s'),
    body_4k: load('large', DURATION),
  },
  thresholds: {
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
    'http_req_duration{body:3b}': [`p(99)<${P99_MS}`],
    'http_req_duration{body:4k}': [`p(99)<${P99_MS}`],
  },
  summaryTrendStats: ['avg', 'med', 'p(99)', 'p(99.9)', 'max'],
};

export function small() {
  const res = http.get(`${TARGET}/b/3`, { tags: { body: '3b' } });
  check(res, { 'status 200': (r) => r.status === 200, '3 bytes': (r) => r.body.length === 3 });
}

export function large() {
  const res = http.get(`${TARGET}/b/4k`, { tags: { body: '4k' } });
  check(res, { 'status 200': (r) => r.status === 200, '4096 bytes': (r) => r.body.length === 4096 });
}
