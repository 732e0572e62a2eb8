// Scenario 4: scale. 10,000 routes across 1,000 domains: first route against last route, and no failed
// request while the configuration is reloaded under load.
//
//   k6 run -e TARGET_URL=http://127.0.0.1:18080 -e ADMIN_URL=http://127.0.0.1:19100 loadtests/k6/04-scale-reload.js
//
// The proxy must run the "scale" configuration (gen_configs.py proxies --mode scale --vhosts 1000 --routes 10).
// Reload it while this runs (replace the config file; loadtests/run does 20 reloads with lib/reload_loop.py);
// with ADMIN_URL set, a third scenario polls GET /admin/config and counts the versions it sees go by.
// Environment: TARGET_URL, ADMIN_URL (optional), VHOSTS (1000), ROUTES (10), VUS (16), DURATION (60s).
import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

const TARGET = (__ENV.TARGET_URL || 'http://127.0.0.1:18080').replace(/\/$/, '');
const ADMIN = (__ENV.ADMIN_URL || '').replace(/\/$/, '');
const VHOSTS = Number(__ENV.VHOSTS || 1000);
const ROUTES = Number(__ENV.ROUTES || 10);
const VUS = Number(__ENV.VUS || 16);
const DURATION = __ENV.DURATION || '60s';

const versionsSeen = new Counter('config_versions_seen');
let lastVersion = -1;

const scenarios = {
  first_route: { executor: 'constant-vus', vus: VUS / 2, duration: DURATION, exec: 'firstRoute' },
  last_route: { executor: 'constant-vus', vus: VUS / 2, duration: DURATION, exec: 'lastRoute' },
};
if (ADMIN) {
  scenarios.admin = { executor: 'constant-arrival-rate', rate: 5, timeUnit: '1s', duration: DURATION, preAllocatedVUs: 1, exec: 'admin' };
}

export const options = {
  scenarios,
  thresholds: {
    // Zero failed requests, reloads or not.
    'http_req_failed{route:first}': ['rate==0'],
    'http_req_failed{route:last}': ['rate==0'],
    checks: ['rate==1'],
    'http_req_duration{route:first}': ['p(99)<50'],
    'http_req_duration{route:last}': ['p(99)<50'],
  },
  summaryTrendStats: ['avg', 'med', 'p(99)', 'p(99.9)', 'max'],
};

function get(host, route, tag) {
  const res = http.get(`${TARGET}/api/r${route}/b/3`, { headers: { Host: `vh${host}.bench.local` }, tags: { route: tag } });
  check(res, { 'status 200': (r) => r.status === 200 });
}

export function firstRoute() {
  get(0, 0, 'first');
}

export function lastRoute() {
  get(VHOSTS - 1, ROUTES - 1, 'last');
}

export function admin() {
  const res = http.get(`${ADMIN}/admin/config`, { tags: { route: 'admin' } });
  if (res.status === 200) {
    const version = res.json('version');
    if (typeof version === 'number' && version !== lastVersion) {
      versionsSeen.add(1);
      lastVersion = version;
    }
  }
}
