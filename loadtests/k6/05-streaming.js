// Scenario 5: bodies streamed through the proxy. 1 MiB upload (POST /upload) and 10 MiB download (GET /b/10m).
//
//   k6 run -e TARGET_URL=http://127.0.0.1:18080 loadtests/k6/05-streaming.js
//
// Resident memory before/after comes from the proxy's /proc/PID/status (loadtests/run records it).
// Environment: TARGET_URL, VUS (8), DURATION per direction (30s), P99_MS (threshold, 500).
import http from 'k6/http';
import { check } from 'k6';

const TARGET = (__ENV.TARGET_URL || 'http://127.0.0.1:18080').replace(/\/$/, '');
const VUS = Number(__ENV.VUS || 8);
const DURATION = __ENV.DURATION || '30s';
const P99_MS = Number(__ENV.P99_MS || 500);
const MIB = 1024 * 1024;
const UPLOAD = 'x'.repeat(MIB);

export const options = {
  discardResponseBodies: true,
  scenarios: {
    upload: { executor: 'constant-vus', vus: VUS, duration: DURATION, exec: 'upload' },
    download: { executor: 'constant-vus', vus: VUS, duration: DURATION, exec: 'download', startTime: DURATION },
  },
  thresholds: {
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
    'http_req_duration{direction:upload}': [`p(99)<${P99_MS}`],
    'http_req_duration{direction:download}': [`p(99)<${P99_MS}`],
  },
  summaryTrendStats: ['avg', 'med', 'p(99)', 'p(99.9)', 'max'],
};

export function upload() {
  const res = http.post(`${TARGET}/upload`, UPLOAD, {
    headers: { 'Content-Type': 'application/octet-stream' },
    tags: { direction: 'upload' },
  });
  check(res, { 'status 200': (r) => r.status === 200 });
}

export function download() {
  const res = http.get(`${TARGET}/b/10m`, { tags: { direction: 'download' } });
  check(res, {
    'status 200': (r) => r.status === 200,
    '10 MiB received': (r) => r.timings.receiving >= 0 && Number(r.headers['Content-Length'] || 10 * MIB) === 10 * MIB,
  });
}
