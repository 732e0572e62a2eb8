// Scenario 7: cold start. Time from the proxy's process start to its first proxied response, and the request
// rate in each of the first five seconds after that.
//
//   START_MS=$(date +%s%3N); ./sluice run ... & k6 run -e START_MS=$START_MS loadtests/k6/07-cold-start.js
//
// setup() polls until the first 200 and reports time_to_first_response (needs START_MS, the process start in
// ms since the epoch); the load then runs for five seconds and http_reqs is tagged with the second it fell in.
// Environment: TARGET_URL, START_MS, VUS (32), FIRST_RESPONSE_MS (threshold, 5000).
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Trend } from 'k6/metrics';

const TARGET = (__ENV.TARGET_URL || 'http://127.0.0.1:18080').replace(/\/$/, '');
const START_MS = Number(__ENV.START_MS || 0);
const VUS = Number(__ENV.VUS || 32);
const FIRST_RESPONSE_MS = Number(__ENV.FIRST_RESPONSE_MS || 5000);

const firstResponse = new Trend('time_to_first_response', true);

export const options = {
  setupTimeout: '120s',
  scenarios: {
    first_seconds: { executor: 'constant-vus', vus: VUS, duration: '5s' },
  },
  thresholds: {
    http_req_failed: ['rate==0'],
    time_to_first_response: [`max<${FIRST_RESPONSE_MS}`],
    'http_reqs{second:1}': ['count>0'],
    'http_reqs{second:5}': ['count>0'],
  },
};

export function setup() {
  for (let attempt = 0; attempt < 60000; attempt++) {
    const res = http.get(`${TARGET}/b/3`, { timeout: '2s', tags: { second: 'setup' }, responseCallback: http.expectedStatuses(200, 0, 502, 503) });
    if (res.status === 200) {
      if (START_MS > 0) {
        firstResponse.add(Date.now() - START_MS);
      }
      return { loadStart: Date.now() };
    }
    sleep(0.001);
  }
  throw new Error('no 200 from the proxy within the setup timeout');
}

export default function (data) {
  const second = Math.min(5, Math.floor((Date.now() - data.loadStart) / 1000) + 1);
  const res = http.get(`${TARGET}/b/3`, { tags: { second: String(second) } });
  check(res, { 'status 200': (r) => r.status === 200 });
}
