// Keeps the server-rendered dashboard current: polls the JSON the page was rendered from and updates rates,
// endpoint health and reloads in place. A new config version changes the page's structure: reload it whole.
(function () {
  "use strict";
  var version = document.body.getAttribute("data-version");

  function text(element, value) { if (element && element.textContent !== value) { element.textContent = value; } }
  function fixed(value, digits) { return value === null || value === undefined ? "\u2014" : value.toFixed(digits); }

  function sparkline(series) {
    if (!series) { return ""; }
    var max = Math.max(1, Math.max.apply(null, series));
    var bars = series.map(function (count, i) {
      var height = count === 0 ? 0 : Math.max(1, Math.round(count * 20 / max));
      return '<rect x="' + i * 4 + '" y="' + (20 - height) + '" width="3" height="' + height + '"></rect>';
    });
    return '<svg width="120" height="20" viewBox="0 0 120 20" aria-hidden="true"><rect class="axis" x="0" y="19" width="120" height="1"></rect>' + bars.join("") + "</svg>";
  }

  function healthClass(health) { return health.indexOf("healthy") === 0 ? "good" : health.indexOf("pending") === 0 ? "warn" : "bad"; }

  function escape(value) {
    return String(value).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }

  function apply(report) {
    if (String(report.version) !== version) { window.location.reload(); return; }
    text(document.getElementById("generated"), report.generatedAt.substring(11, 19));
    var note = document.getElementById("no-traffic");
    if (note && report.observingRequests) { note.remove(); }
    report.hosts.forEach(function (host) {
      host.routes.forEach(function (route) {
        var row = document.querySelector('tr[data-route="' + CSS.escape(route.key) + '"]');
        if (!row) { return; }
        text(row.querySelector(".rate"), fixed(route.requestsPerSecond1m, 2));
        var errors = row.querySelector(".errors");
        text(errors, route.errorPercent1m === null || route.errorPercent1m === undefined ? "\u2014" : fixed(route.errorPercent1m, 1) + " %");
        errors.classList.toggle("bad", route.errorPercent1m > 0);
        text(row.querySelector(".total"), fixed(route.requests5m, 0));
        row.querySelector(".spark").innerHTML = sparkline(route.series);
      });
    });
    report.upstreams.forEach(function (upstream) {
      upstream.endpoints.forEach(function (endpoint) {
        var row = document.querySelector('tr[data-endpoint="' + CSS.escape(upstream.name + "|" + endpoint.address) + '"]');
        if (!row) { return; }
        var health = row.querySelector(".health");
        text(health, endpoint.health);
        health.className = "health " + healthClass(endpoint.health);
        text(row.querySelector(".active"), String(endpoint.activeRequests));
      });
    });
    document.getElementById("reload-rows").innerHTML = report.reloads.map(function (reload) {
      return '<tr class="' + (reload.rejected + reload.fileErrors > 0 ? "warn" : "") + '"><td>' + reload.version + "</td><td>" +
        escape(reload.at.substring(0, 19).replace("T", " ")) + "</td><td>" + escape(reload.reason) + '</td><td class="num">' +
        reload.durationMs.toFixed(1) + '</td><td class="num">' + reload.resources + "</td><td>" + escape(reload.outcome) + "</td></tr>";
    }).join("");
    text(document.getElementById("live"), "refreshes every 5 s");
  }

  function poll() {
    fetch("/admin/dashboard", { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(apply)
      .catch(function () { text(document.getElementById("live"), "gateway not answering; retrying"); });
  }

  poll();
  window.setInterval(poll, 5000);
})();
