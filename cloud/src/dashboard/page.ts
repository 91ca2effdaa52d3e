/**
 * The dashboard page: one HTML document, one stylesheet, one script, all static strings
 * served by the cloud itself (no build step, no CDN, strict CSP). The script uses only
 * textContent to show data, never innerHTML: product names and locations come from outside.
 * `{{base}}` is replaced by the configured base path.
 */
export const DASHBOARD_HTML = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>stockwire · live inventory</title>
<link rel="stylesheet" href="{{base}}/app.css">
<link rel="icon" href="data:,">
</head>
<body data-base="{{base}}">
<header>
  <h1>stockwire <span class="muted">live inventory</span></h1>
  <div class="header-right">
    <span id="deadletters" class="muted" title="messages the cloud rejected"></span>
    <span id="connection" class="pill pill-wait" data-state="connecting">connecting…</span>
  </div>
</header>
<main>
  <section id="stock-panel" class="panel wide">
    <h2>Stock by location <span id="stock-summary" class="muted"></span></h2>
    <div id="stock" class="locations"><p class="muted">loading…</p></div>
  </section>
  <section id="alerts-panel" class="panel">
    <h2>Alerts <span id="alert-count" class="badge">0</span></h2>
    <ul id="alerts" class="alerts"></ul>
  </section>
  <section id="accuracy-panel" class="panel" hidden>
    <h2>Inventory record accuracy <span id="accuracy-source" class="muted"></span></h2>
    <div class="accuracy-figures">
      <div><span id="accuracy-ira" class="figure"></span><span class="muted">IRA (product × location)</span></div>
      <div><span id="accuracy-epc" class="figure"></span><span class="muted">EPC location</span></div>
    </div>
    <p id="accuracy-detail" class="muted"></p>
    <p id="accuracy-anchors" class="muted"></p>
    <ul id="accuracy-wrong" class="alerts"></ul>
  </section>
  <section id="chart-panel" class="panel wide">
    <h2>Stock level over time <select id="product-select" aria-label="product"></select></h2>
    <svg id="chart" viewBox="0 0 640 220" preserveAspectRatio="none" role="img" aria-label="stock level chart"></svg>
    <div id="legend" class="legend"></div>
  </section>
  <section id="gateways-panel" class="panel">
    <h2>Gateways &amp; readers</h2>
    <div id="gateways"><p class="muted">no gateway has reported yet</p></div>
  </section>
  <section id="movements-panel" class="panel wide">
    <h2>Movements</h2>
    <table class="feed"><thead><tr><th>time</th><th>kind</th><th>product</th><th>location</th><th class="num">Δ qty</th><th class="num">after</th></tr></thead><tbody id="movements"></tbody></table>
  </section>
  <section id="finance-panel" class="panel wide">
    <h2>Books <span id="finance-summary" class="muted"></span></h2>
    <table class="feed"><thead><tr><th></th><th class="num">revenue</th><th class="num">COGS</th><th class="num">gross margin</th><th class="num">margin %</th><th class="num">shrinkage</th></tr></thead><tbody id="finance-margins"></tbody></table>
    <table class="feed"><thead><tr><th>inventory value</th><th>site</th><th class="num">value</th></tr></thead><tbody id="finance-locations"></tbody></table>
  </section>
  <section id="journal-panel" class="panel">
    <h2>Journal</h2>
    <table class="feed"><thead><tr><th>time</th><th>account</th><th class="num">Dr</th><th class="num">Cr</th></tr></thead><tbody id="journal"></tbody></table>
  <section id="receiving-panel" class="panel wide">
    <h2>Receiving: open ASNs <span id="asn-count" class="badge">0</span></h2>
    <table class="feed"><thead><tr><th>ASN</th><th>PO</th><th>site</th><th class="num">pallets</th><th class="num">received</th><th class="num">inferred</th><th class="num">short</th><th class="num">unexpected</th></tr></thead><tbody id="asns"></tbody></table>
    <ul id="receiving-alerts" class="alerts"></ul>
  </section>
  <section id="forecast-panel" class="panel">
    <h2>Demand forecast</h2>
    <table class="feed"><thead><tr><th>product</th><th>site</th><th class="num">/day</th><th class="num">cover (d)</th><th>reorder by</th></tr></thead><tbody id="forecast"></tbody></table>
  </section>
</main>
<script src="{{base}}/app.js" defer></script>
</body>
</html>
`;

export const DASHBOARD_CSS = String.raw`
:root { --bg:#0f1419; --panel:#182028; --line:#2a3540; --text:#dde3ea; --muted:#8795a1; --ok:#3fb950; --warn:#d29922; --crit:#f85149; --info:#58a6ff; --flash:#1f6feb55; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; background:var(--bg); color:var(--text); }
header { display:flex; justify-content:space-between; align-items:center; padding:10px 18px; border-bottom:1px solid var(--line); }
h1 { font-size:18px; margin:0; } h2 { font-size:14px; margin:0 0 8px; display:flex; gap:8px; align-items:center; }
.muted { color:var(--muted); font-weight:normal; }
.header-right { display:flex; gap:12px; align-items:center; }
main { display:grid; grid-template-columns: 2fr 1fr; gap:12px; padding:12px 18px; }
.panel { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:12px; min-width:0; }
.pill { padding:2px 10px; border-radius:10px; font-size:12px; }
.pill-ok { background:#23863633; color:var(--ok); } .pill-wait { background:#9e6a0333; color:var(--warn); } .pill-bad { background:#da363333; color:var(--crit); }
.badge { background:var(--line); border-radius:9px; padding:0 8px; font-size:12px; }
.locations { display:grid; grid-template-columns:repeat(auto-fill, minmax(230px, 1fr)); gap:10px; }
.location { border:1px solid var(--line); border-radius:6px; padding:8px; }
.location h3 { font-size:13px; margin:0 0 6px; color:var(--info); overflow-wrap:anywhere; }
.row { display:flex; justify-content:space-between; gap:8px; padding:2px 4px; border-radius:4px; cursor:pointer; }
.row:hover { background:#ffffff0d; } .row.selected { outline:1px solid var(--info); }
.row .qty { font-variant-numeric:tabular-nums; font-weight:600; }
.row.low .qty { color:var(--warn); } .row.out .qty { color:var(--crit); }
.flash { animation: flash 1.2s ease-out; } @keyframes flash { from { background:var(--flash); } to { background:transparent; } }
.alerts { list-style:none; margin:0; padding:0; max-height:360px; overflow:auto; }
.alerts li { border-left:3px solid var(--info); padding:4px 8px; margin-bottom:6px; background:#ffffff08; }
.alerts li.warning { border-color:var(--warn); } .alerts li.critical { border-color:var(--crit); }
.alerts .kind { font-size:11px; text-transform:uppercase; color:var(--muted); }
select { background:var(--bg); color:var(--text); border:1px solid var(--line); border-radius:4px; }
#chart { width:100%; height:220px; background:#0b0f13; border-radius:6px; }
#chart .grid { stroke:var(--line); stroke-width:1; } #chart text { fill:var(--muted); font-size:11px; }
#chart .series { fill:none; stroke-width:2; } #chart .reorder { stroke:var(--warn); stroke-dasharray:4 4; }
.legend { display:flex; flex-wrap:wrap; gap:10px; font-size:12px; margin-top:6px; }
.legend span::before { content:""; display:inline-block; width:10px; height:10px; margin-right:4px; background:var(--swatch); }
table.feed { width:100%; border-collapse:collapse; font-size:12px; }
.feed th { text-align:left; color:var(--muted); font-weight:normal; border-bottom:1px solid var(--line); }
.feed td { padding:2px 4px; border-bottom:1px solid #ffffff08; overflow-wrap:anywhere; } .num { text-align:right; font-variant-numeric:tabular-nums; }
.pos { color:var(--ok); } .neg { color:var(--crit); }
#movements-panel .feed-wrap, #movements { max-height:300px; }
.gateway { border:1px solid var(--line); border-radius:6px; padding:6px 8px; margin-bottom:6px; }
.gateway .readers { font-size:12px; color:var(--muted); }
.dot { display:inline-block; width:8px; height:8px; border-radius:50%; margin-right:6px; background:var(--crit); } .dot.on { background:var(--ok); }
tr.total td { font-weight:600; border-top:1px solid var(--line); }
.accuracy-figures { display:flex; gap:24px; } .accuracy-figures div { display:flex; flex-direction:column; }
.figure { font-size:26px; font-weight:600; font-variant-numeric:tabular-nums; } .figure.ok { color:var(--ok); } .figure.warn { color:var(--warn); }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } }
`;

export const DASHBOARD_JS = String.raw`'use strict';
(function () {
  var base = document.body.getAttribute('data-base') || '/dashboard';
  var MOVEMENTS_SHOWN = 50;
  var PENDING_MAX = 1000;
  var COLORS = ['#58a6ff', '#3fb950', '#d29922', '#bc8cff', '#f85149', '#39c5cf', '#ff7b72', '#a5d6ff'];
  var state = { forecasts: [], positions: new Map(), products: new Map(), alerts: new Map(), gateways: new Map(), movements: [], history: new Map(), selected: null, deadletters: 0, ready: false, pending: [] };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function svg(tag, attributes) {
    var node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, String(attributes[name])); });
    return node;
  }
  function key(product, location) { return product + '\u0000' + location; }
  function productName(product) { var entry = state.products.get(product); return entry && entry.name ? entry.name : product; }
  var locationNames = new Map();
  function locationName(location) { return locationNames.get(location) || location; }
  // alert texts come from the server with location ids: show the catalog's names instead
  function withNames(text) { var result = String(text); locationNames.forEach(function (name, location) { result = result.split(location).join(name); }); return result; }
  function clockTime(iso) { var date = new Date(iso); return isNaN(date.getTime()) ? String(iso) : date.toLocaleTimeString(); }
  // A read token given as ?access_token=… (RFC 6750 §2.3) is passed on: EventSource cannot set headers.
  var accessToken = new URLSearchParams(location.search).get('access_token');
  function withToken(path) { return accessToken ? path + (path.indexOf('?') < 0 ? '?' : '&') + 'access_token=' + encodeURIComponent(accessToken) : path; }
  function getJson(path) { return fetch(base + withToken(path), { headers: { accept: 'application/json' } }).then(function (response) { if (!response.ok) throw new Error(path + ': HTTP ' + response.status); return response.json(); }); }

  // ---- stock by location -------------------------------------------------------------
  function renderStock(flashKeys) {
    var container = document.getElementById('stock');
    var byLocation = new Map();
    state.positions.forEach(function (position) {
      if (!byLocation.has(position.location)) byLocation.set(position.location, []);
      byLocation.get(position.location).push(position);
    });
    container.replaceChildren();
    if (byLocation.size === 0) container.appendChild(el('p', 'muted', 'no stock yet'));
    var total = 0;
    Array.from(byLocation.keys()).sort().forEach(function (location) {
      var card = el('div', 'location');
      card.setAttribute('data-location', location);
      var heading = el('h3', '', locationName(location));
      heading.title = location;
      card.appendChild(heading);
      byLocation.get(location).sort(function (a, b) { return a.product < b.product ? -1 : 1; }).forEach(function (position) {
        var product = state.products.get(position.product);
        var qty = Number(position.qty);
        total += qty;
        var row = el('div', 'row');
        if (product && product.reorderPoint !== null && qty < Number(product.reorderPoint)) row.classList.add(qty <= 0 ? 'out' : 'low');
        if (state.selected === position.product) row.classList.add('selected');
        row.setAttribute('data-product', position.product);
        row.setAttribute('data-location', position.location);
        row.appendChild(el('span', 'name', productName(position.product)));
        var held = position.availableQty !== undefined ? Number(position.qty) - Number(position.availableQty) : 0;
        if (held > 0) row.appendChild(el('span', 'muted held', held + ' held · ' + position.availableQty + ' avail'));
        var qtyCell = el('span', 'qty', position.qty);
        qtyCell.setAttribute('data-testid', 'qty');
        row.appendChild(qtyCell);
        row.title = position.product + (product && product.reorderPoint !== null ? ' · reorder point ' + product.reorderPoint : '');
        row.addEventListener('click', function () { selectProduct(position.product); });
        if (flashKeys && flashKeys.has(key(position.product, position.location))) row.classList.add('flash');
        card.appendChild(row);
      });
      container.appendChild(card);
    });
    document.getElementById('stock-summary').textContent = byLocation.size + ' locations · ' + state.positions.size + ' positions · ' + total + ' units';
  }

  // ---- alerts -----------------------------------------------------------------------
  var RANK = { critical: 2, warning: 1, info: 0 };
  function renderAlerts() {
    var list = document.getElementById('alerts');
    list.replaceChildren();
    var alerts = Array.from(state.alerts.values()).sort(function (a, b) { return RANK[b.severity] - RANK[a.severity] || (a.raisedAt < b.raisedAt ? -1 : 1); });
    alerts.forEach(function (alert) {
      var item = el('li', alert.severity);
      item.setAttribute('data-kind', alert.kind);
      item.appendChild(el('div', 'kind', alert.kind.replace(/_/g, ' ') + ' · ' + clockTime(alert.updatedAt)));
      item.appendChild(el('div', '', withNames(alert.message)));
      list.appendChild(item);
    });
    if (alerts.length === 0) list.appendChild(el('li', 'muted', 'no active alerts'));
    document.getElementById('alert-count').textContent = String(alerts.length);
  }

  // ---- movements feed -----------------------------------------------------------------
  function renderMovements() {
    var body = document.getElementById('movements');
    body.replaceChildren();
    state.movements.slice(0, MOVEMENTS_SHOWN).forEach(function (movement) {
      var row = el('tr');
      row.appendChild(el('td', '', clockTime(movement.time)));
      row.appendChild(el('td', '', movement.kind));
      row.appendChild(el('td', '', productName(movement.product)));
      row.appendChild(el('td', '', locationName(movement.location)));
      row.appendChild(el('td', 'num ' + (Number(movement.qtyDelta) < 0 ? 'neg' : 'pos'), (Number(movement.qtyDelta) > 0 ? '+' : '') + movement.qtyDelta));
      row.appendChild(el('td', 'num', movement.qtyAfter));
      body.appendChild(row);
    });
  }

  // ---- gateways -------------------------------------------------------------------------
  function renderGateways() {
    var container = document.getElementById('gateways');
    container.replaceChildren();
    if (state.gateways.size === 0) container.appendChild(el('p', 'muted', 'no gateway has reported yet'));
    Array.from(state.gateways.values()).forEach(function (view) {
      var status = view.status;
      var box = el('div', 'gateway');
      box.setAttribute('data-gateway', status.siteId + '/' + status.gatewayId);
      var title = el('div');
      var dot = el('span', 'dot' + (status.state === 'online' ? ' on' : ''));
      title.appendChild(dot);
      title.appendChild(el('strong', '', status.siteId + ' / ' + status.gatewayId));
      title.appendChild(el('span', 'muted', ' ' + status.state + ' · ' + clockTime(view.receivedAt)));
      box.appendChild(title);
      (status.readers || []).forEach(function (reader) {
        var line = el('div', 'readers');
        line.appendChild(el('span', 'dot' + (reader.connected ? ' on' : '')));
        var rate = reader.readsPerSecond !== undefined ? ' · ' + reader.readsPerSecond.toFixed(1) + ' reads/s' : '';
        line.appendChild(el('span', '', reader.readerId + ' (' + reader.protocol + ')' + rate + (reader.lastError ? ' · ' + reader.lastError : '')));
        box.appendChild(line);
      });
      if (status.outbox) box.appendChild(el('div', 'readers', 'outbox ' + status.outbox.depth + ' queued' + (status.outbox.dropped ? ', ' + status.outbox.dropped + ' dropped' : '')));
      container.appendChild(box);
    });
  }

  // ---- forecast ---------------------------------------------------------------------------
  function renderForecast(forecasts) {
    var body = document.getElementById('forecast');
    body.replaceChildren();
    forecasts.slice(0, 20).forEach(function (forecast) {
      var row = el('tr');
      row.appendChild(el('td', '', productName(forecast.product)));
      row.appendChild(el('td', '', forecast.site));
      row.appendChild(el('td', 'num', forecast.demandPerDay.toFixed(1)));
      row.appendChild(el('td', 'num', forecast.daysOfCover === null ? '∞' : forecast.daysOfCover.toFixed(1)));
      row.appendChild(el('td', '', forecast.reorderDate || '—'));
      body.appendChild(row);
    });
    if (forecasts.length === 0) { var empty = el('tr'); var cell = el('td', 'muted', 'no sales history yet'); cell.colSpan = 5; empty.appendChild(cell); body.appendChild(empty); }
  }
  var forecastTimer = null;
  function loadForecast() {
    forecastTimer = null;
    getJson('/api/forecast').then(function (body) { state.forecasts = body.forecasts; renderForecast(body.forecasts); }).catch(function () {});
  }
  // stock changes move days of cover: refresh soon after, but at most once per burst
  function scheduleForecast() { if (forecastTimer === null) forecastTimer = setTimeout(loadForecast, 2000); }

  // ---- books: margins, inventory value, journal (exact decimal strings from the ledger) ------------
  function cellRow(cells) { var row = el('tr'); cells.forEach(function (cell) { row.appendChild(el('td', cell[1] || '', cell[0])); }); return row; }
  function renderFinance(books) {
    if (!books) return;
    books.inventoryByLocation.forEach(function (entry) { locationNames.set(entry.location, entry.name); });
    var margins = document.getElementById('finance-margins');
    margins.replaceChildren();
    [['today', books.today], ['period', books.period]].forEach(function (pair) {
      var totals = pair[1];
      var row = cellRow([[pair[0]], [totals.revenue, 'num'], [totals.cogs, 'num'], [totals.grossMargin, 'num'], [totals.grossMarginPercent === null ? '—' : totals.grossMarginPercent, 'num'], [totals.shrinkage, 'num']]);
      row.setAttribute('data-period', pair[0]);
      margins.appendChild(row);
    });
    var locations = document.getElementById('finance-locations');
    locations.replaceChildren();
    books.inventoryBySite.forEach(function (site) { var row = cellRow([['all of ' + site.site], [site.site], [site.value, 'num']]); row.className = 'total'; locations.appendChild(row); });
    books.inventoryByLocation.forEach(function (entry) { locations.appendChild(cellRow([[entry.name], [entry.site], [entry.value, 'num']])); });
    document.getElementById('finance-summary').textContent = 'GRNI ' + books.grni + ' · ' + books.day;
    renderAlerts();
    var journal = document.getElementById('journal');
    journal.replaceChildren();
    books.journal.forEach(function (line) {
      var row = cellRow([[clockTime(line.time)], [line.account], [line.debit === '0' ? '' : line.debit, 'num'], [line.credit === '0' ? '' : line.credit, 'num']]);
      row.title = line.transactionId;
      journal.appendChild(row);
    });
    renderStock();
  }
  var financeTimer = null;
  function loadFinance() {
    financeTimer = null;
    getJson('/api/finance').then(renderFinance).catch(function () {});
  }
  function scheduleFinance() { if (financeTimer === null) financeTimer = setTimeout(loadFinance, 1000); }

  // ---- accuracy tile (hidden until a truth file is attached) ---------------------------------------
  function percentText(value) { return value === null ? 'n/a' : value.toFixed(1) + ' %'; }
  function renderAccuracy(tile) {
    var panel = document.getElementById('accuracy-panel');
    if (!tile) { panel.hidden = true; return; }
    panel.hidden = false;
    document.getElementById('accuracy-source').textContent = tile.source + ' · at ' + tile.at;
    var ira = document.getElementById('accuracy-ira');
    ira.textContent = percentText(tile.iraPercent);
    ira.className = 'figure ' + (tile.iraPercent !== null && tile.iraPercent >= 99 ? 'ok' : 'warn');
    var epc = document.getElementById('accuracy-epc');
    epc.textContent = percentText(tile.epcPercent);
    epc.className = 'figure ' + (tile.epcPercent !== null && tile.epcPercent >= 99 ? 'ok' : 'warn');
    document.getElementById('accuracy-detail').textContent = tile.matching + '/' + tile.records + ' records exact, ' +
      tile.epcsPlacedRight + '/' + tile.epcsCompared + ' EPCs placed right, shrink detected ' + tile.shrinkDetected + '/' + tile.shrinkActual;
    document.getElementById('accuracy-anchors').textContent = 'published: ' + tile.anchors.map(function (anchor) {
      return anchor.label + ' ≈ ' + anchor.iraPercent + ' %';
    }).join(', ') + ' (' + tile.anchors[0].source + ')';
    var list = document.getElementById('accuracy-wrong');
    list.replaceChildren();
    tile.mostWrong.forEach(function (wrong) {
      var item = el('li', 'warning');
      item.appendChild(el('div', 'kind', productName(wrong.product) + ' @ ' + locationName(wrong.location)));
      item.appendChild(el('div', '', 'book ' + wrong.bookQty + ', true ' + wrong.trueQty + ' — ' + wrong.why));
      list.appendChild(item);
    });
  }
  // Every 5 s until a measurement is attached (the demo attaches its replay a moment after start), then every minute.
  var accuracyTimer = null;
  function loadAccuracy() {
    if (accuracyTimer !== null) clearTimeout(accuracyTimer);
    var shown = false;
    getJson('/api/accuracy').then(function (body) { shown = body.accuracy !== null; renderAccuracy(body.accuracy); }).catch(function () {})
      .then(function () { accuracyTimer = setTimeout(loadAccuracy, shown ? 60000 : 5000); });
  }

  // ---- chart ----------------------------------------------------------------------------------
  function renderProductSelect() {
    var select = document.getElementById('product-select');
    var products = new Set();
    state.positions.forEach(function (position) { products.add(position.product); });
    var current = Array.from(select.options).map(function (option) { return option.value; }).join('|');
    var wanted = Array.from(products).sort();
    if (current !== wanted.join('|')) {
      select.replaceChildren();
      wanted.forEach(function (product) { var option = el('option', '', productName(product)); option.value = product; select.appendChild(option); });
    }
    if (state.selected === null && wanted.length > 0) selectProduct(wanted[0]);
    else if (state.selected !== null) select.value = state.selected;
  }
  function selectProduct(product) {
    state.selected = product;
    document.getElementById('product-select').value = product;
    getJson('/api/history?product=' + encodeURIComponent(product)).then(function (body) {
      if (state.selected !== product) return;
      state.history = new Map();
      body.series.forEach(function (series) { state.history.set(series.location, series.points); });
      renderChart();
      renderStock();
    }).catch(function () {});
  }
  function renderChart() {
    var chart = document.getElementById('chart');
    var legend = document.getElementById('legend');
    chart.replaceChildren();
    legend.replaceChildren();
    var width = 640, height = 220, left = 44, right = 10, top = 10, bottom = 24;
    var nowMs = Date.now();
    var minMs = Infinity, maxQty = 0;
    state.history.forEach(function (points) { points.forEach(function (point) { minMs = Math.min(minMs, Date.parse(point.time)); maxQty = Math.max(maxQty, Number(point.qty)); }); });
    var product = state.products.get(state.selected);
    var reorderPoint = product && product.reorderPoint !== null ? Number(product.reorderPoint) : null;
    if (reorderPoint !== null) maxQty = Math.max(maxQty, reorderPoint);
    if (!isFinite(minMs)) { var empty = svg('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle' }); empty.textContent = 'no changes recorded for this product yet'; chart.appendChild(empty); return; }
    var maxMs = Math.max(nowMs, minMs + 60000);
    maxQty = maxQty <= 0 ? 1 : maxQty * 1.1;
    function x(timeMs) { return left + ((timeMs - minMs) / (maxMs - minMs)) * (width - left - right); }
    function y(qty) { return top + (1 - qty / maxQty) * (height - top - bottom); }
    [0, 0.5, 1].forEach(function (fraction) {
      var qty = maxQty * fraction;
      chart.appendChild(svg('line', { x1: left, x2: width - right, y1: y(qty), y2: y(qty), class: 'grid' }));
      var label = svg('text', { x: left - 6, y: y(qty) + 4, 'text-anchor': 'end' }); label.textContent = String(Math.round(qty)); chart.appendChild(label);
    });
    var startLabel = svg('text', { x: left, y: height - 6 }); startLabel.textContent = new Date(minMs).toLocaleTimeString(); chart.appendChild(startLabel);
    var endLabel = svg('text', { x: width - right, y: height - 6, 'text-anchor': 'end' }); endLabel.textContent = 'now'; chart.appendChild(endLabel);
    if (reorderPoint !== null) chart.appendChild(svg('line', { x1: left, x2: width - right, y1: y(reorderPoint), y2: y(reorderPoint), class: 'reorder' }));
    var index = 0;
    Array.from(state.history.keys()).sort().forEach(function (location) {
      var points = state.history.get(location).slice().sort(function (a, b) { return Date.parse(a.time) - Date.parse(b.time); });
      var color = COLORS[index++ % COLORS.length];
      var path = '';
      points.forEach(function (point, position) {
        var px = x(Date.parse(point.time)), py = y(Number(point.qty));
        // step chart: the level holds until the next change
        path += position === 0 ? 'M' + px + ' ' + py : ' H' + px + ' V' + py;
      });
      var last = points[points.length - 1];
      if (last) path += ' H' + x(maxMs);
      chart.appendChild(svg('path', { d: path, class: 'series', stroke: color }));
      var swatch = el('span', '', locationName(location) + (last ? ': ' + last.qty : ''));
      swatch.style.setProperty('--swatch', color);
      legend.appendChild(swatch);
    });
  }

  // ---- live updates ------------------------------------------------------------------------------
  function applyPositions(movements) {
    var flashKeys = new Set();
    movements.forEach(function (movement) {
      var positionKey = key(movement.product, movement.location);
      var existing = state.positions.get(positionKey);
      // holds do not move with stock: keep them, so available = on hand − held stays right between snapshots
      var held = existing && existing.availableQty !== undefined ? Math.max(0, Number(existing.qty) - Number(existing.availableQty)) : 0;
      state.positions.set(positionKey, { product: movement.product, location: movement.location, site: existing ? existing.site : '', qty: movement.qtyAfter, availableQty: existing && existing.availableQty !== undefined ? String(Math.max(0, Number(movement.qtyAfter) - held)) : undefined });
      flashKeys.add(positionKey);
      state.movements.unshift(movement);
      if (movement.product === state.selected) {
        if (!state.history.has(movement.location)) state.history.set(movement.location, []);
        state.history.get(movement.location).push({ time: movement.time, qty: movement.qtyAfter });
      }
    });
    state.movements.length = Math.min(state.movements.length, 200);
    renderStock(flashKeys);
    renderMovements();
    renderProductSelect();
    renderChart();
    scheduleForecast();
    scheduleFinance();
  }
  function applyAlerts(changes) {
    changes.raised.concat(changes.updated).forEach(function (alert) { state.alerts.set(alert.key, alert); });
    changes.cleared.forEach(function (alert) { state.alerts.delete(alert.key); });
    renderAlerts();
  }
  function applyGateway(view) { state.gateways.set(view.status.siteId + '/' + view.status.gatewayId, view); renderGateways(); }
  function handle(kind, data) {
    if (!state.ready) {
      // bounded: quantities are absolute, so only the newest updates matter; the snapshot covers the rest
      if (state.pending.length >= PENDING_MAX) state.pending.shift();
      state.pending.push([kind, data]);
      return;
    }
    if (kind === 'positions') applyPositions(data);
    else if (kind === 'alerts') applyAlerts(data);
    else if (kind === 'gateway') applyGateway(data);
    else if (kind === 'deadletter') { state.deadletters += 1; document.getElementById('deadletters').textContent = state.deadletters + ' rejected'; }
  }

  function loadState() {
    state.ready = false;
    return getJson('/api/state').then(function (body) {
      state.products = new Map(body.products.map(function (product) { return [product.product, product]; }));
      state.positions = new Map(body.positions.map(function (position) { return [key(position.product, position.location), position]; }));
      state.alerts = new Map(body.alerts.map(function (alert) { return [alert.key, alert]; }));
      state.gateways = new Map(body.gateways.map(function (view) { return [view.status.siteId + '/' + view.status.gatewayId, view]; }));
      state.movements = body.movements;
      state.ready = true;
      renderStock(); renderAlerts(); renderMovements(); renderGateways(); renderProductSelect();
      loadForecast();
      loadFinance();
      loadAccuracy();
      if (state.selected !== null) selectProduct(state.selected);
      // events that arrived while the snapshot was loading carry absolute quantities: replay them
      var pending = state.pending; state.pending = [];
      pending.forEach(function (entry) { handle(entry[0], entry[1]); });
      document.body.setAttribute('data-ready', 'true');
    });
  }

  function setConnection(kind, text) {
    var pill = document.getElementById('connection');
    pill.className = 'pill ' + (kind === 'live' ? 'pill-ok' : kind === 'down' ? 'pill-bad' : 'pill-wait');
    pill.textContent = text;
    pill.setAttribute('data-state', kind);
  }

  function connect() {
    var source = new EventSource(base + withToken('/events'));
    ['positions', 'alerts', 'gateway', 'deadletter'].forEach(function (kind) {
      source.addEventListener(kind, function (event) { handle(kind, JSON.parse(event.data)); });
    });
    source.onopen = function () {
      // (re)load the snapshot after the stream is open, so no change falls between the two
      loadState().then(function () { setConnection('live', 'live'); }).catch(function (error) { setConnection('down', 'error: ' + error.message); });
    };
    source.onerror = function () { state.ready = false; setConnection(source.readyState === EventSource.CLOSED ? 'down' : 'wait', 'reconnecting…'); };
  }

  // ---- receiving (polled: ASNs change a few times per truck) ---------------------------
  function renderReceiving(body) {
    var rows = document.getElementById('asns');
    rows.textContent = '';
    body.asns.forEach(function (asn) {
      var row = el('tr', asn.summary.short > 0 || asn.summary.unexpectedOpen > 0 ? 'warning' : '');
      [asn.id, asn.purchaseOrder, asn.site, asn.summary.palletsArrived + '/' + asn.summary.palletsExpected, asn.summary.received, asn.summary.inferred, asn.summary.short, asn.summary.unexpectedOpen].forEach(function (value, index) { row.appendChild(el('td', index > 2 ? 'num' : '', value)); });
      rows.appendChild(row);
    });
    if (body.asns.length === 0) { var empty = el('tr'); empty.appendChild(el('td', 'muted', 'no open ASN')); rows.appendChild(empty); }
    document.getElementById('asn-count').textContent = String(body.asns.length);
    var list = document.getElementById('receiving-alerts');
    list.textContent = '';
    body.alerts.slice(-5).reverse().forEach(function (alert) {
      var item = el('li', 'warning');
      item.appendChild(el('div', 'kind', alert.kind + ' · ' + clockTime(alert.time)));
      item.appendChild(el('div', '', alert.message));
      list.appendChild(item);
    });
  }
  function loadReceiving() { getJson('/api/receiving').then(renderReceiving).catch(function () { document.getElementById('receiving-panel').hidden = true; }); }

  document.getElementById('product-select').addEventListener('change', function (event) { selectProduct(event.target.value); });
  setInterval(renderChart, 15000); // keep the "now" end of the chart moving
  setInterval(loadForecast, 30000);
  setInterval(loadFinance, 10000);
  setInterval(loadReceiving, 3000);
  loadReceiving();
  connect();
})();
`;
