import NIOHTTP1

/// The live page served at `/`: one HTML document with its script and styles inline (no
/// external assets, nothing next to the binary). Every second it fetches `/stats`,
/// `/slowlog`, `/hotkeys`, `/bigkeys` and `/clients` from the same origin and redraws; a
/// panel whose endpoint answers 404 or `"enabled": false` shows "off". Its rates and
/// formats follow `LiveModel` and `LiveFormat` (the `top` view), in JavaScript.
///
/// For tests and tools: every number has a `data-stat` name and its exact value in
/// `data-value`; `window.lastStats` holds the last `/stats` document and `window.updates`
/// counts redraws. The Content-Security-Policy lets it connect to its own origin only.
public enum LivePage {
    /// `GET /` (and `/index.html`): the page.
    public static let route: AdminServer.Route = { head in
        guard head.path == "/" || head.path == "/index.html" else { return nil }
        return AdminResponse(status: .ok, contentType: "text/html; charset=utf-8", body: html)
    }

    /// The document.
    public static let html = #"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:">
        <link rel="icon" href="data:,">
        <title>redis-lens</title>
        <style>
        :root { --bg: #0f1419; --panel: #171e26; --line: #2a3440; --text: #d8dee6; --dim: #8794a3;
          --accent: #4fb3ff; --bad: #ff6b6b; --good: #5fd38d; --warn: #ffc857; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--text);
          font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
        header { display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; align-items: baseline;
          padding: .75rem 1rem; border-bottom: 1px solid var(--line); }
        header h1 { font-size: 1.1rem; margin: 0; }
        header .meta { color: var(--dim); }
        .up { color: var(--good); } .down { color: var(--bad); }
        main { padding: 1rem; display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); }
        section { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: .75rem;
          min-width: 0; overflow-x: auto; }
        section.wide { grid-column: 1 / -1; }
        h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .06em; color: var(--dim); margin: 0 0 .5rem; }
        .cards { display: grid; gap: .75rem; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); }
        .card .label { color: var(--dim); font-size: .75rem; }
        .card .value { font-size: 1.5rem; font-variant-numeric: tabular-nums; }
        .sub { color: var(--dim); font-size: .75rem; margin: 0 0 .25rem; }
        table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
        th, td { padding: .2rem .4rem; text-align: right; white-space: nowrap; }
        th:first-child, td:first-child { text-align: left; }
        th { color: var(--dim); font-weight: 500; font-size: .75rem; border-bottom: 1px solid var(--line); }
        td.key { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; max-width: 12rem;
          overflow: hidden; text-overflow: ellipsis; }
        td.wrap { white-space: normal; overflow-wrap: anywhere; text-align: left; }
        .off { color: var(--dim); font-style: italic; }
        .charts { display: grid; gap: .75rem; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); }
        .chart svg { width: 100%; height: 70px; display: block; }
        .chart .label { color: var(--dim); font-size: .75rem; display: flex; justify-content: space-between; }
        #status { color: var(--dim); }
        #status.error { color: var(--bad); }
        @media (max-width: 480px) { main { padding: .5rem; gap: .5rem; grid-template-columns: 1fr; }
          .card .value { font-size: 1.2rem; } }
        </style>
        </head>
        <body>
        <header>
          <h1>redis-lens</h1>
          <span class="meta">uptime <span data-stat="proxy.uptime_seconds" data-value="">-</span></span>
          <span class="meta">upstream <span id="upstream" data-stat="proxy.upstream_up" data-value="">-</span></span>
          <span id="status">connecting…</span>
        </header>
        <main>
          <section class="wide" id="overview">
            <div class="cards">
              <div class="card"><div class="label">ops/s</div><div class="value" data-stat="ops_per_second" data-value="">-</div>
                <div class="sub"><span data-stat="total.commands" data-value="">-</span> commands</div></div>
              <div class="card"><div class="label">errors/s</div><div class="value" data-stat="errors_per_second" data-value="">-</div>
                <div class="sub"><span data-stat="total.errors" data-value="">-</span> errors</div></div>
              <div class="card"><div class="label">hit ratio</div><div class="value" data-stat="hit_ratio" data-value="">-</div></div>
              <div class="card"><div class="label">pool used / idle</div>
                <div class="value"><span data-stat="proxy.pool_used" data-value="">-</span> / <span data-stat="proxy.pool_idle" data-value="">-</span></div>
                <div class="sub"><span data-stat="proxy.pool_waiting" data-value="">-</span> waiting</div></div>
              <div class="card"><div class="label">Redis memory</div><div class="value" data-stat="memory.used_memory" data-value="">-</div>
                <div class="sub">max <span data-stat="memory.maxmemory" data-value="">-</span> · rss <span data-stat="memory.used_memory_rss" data-value="">-</span></div></div>
            </div>
          </section>
          <section class="wide">
            <h2>Last 60 seconds</h2>
            <div class="charts">
              <div class="chart"><div class="label"><span>ops/s</span><span id="ops-max"></span></div><svg id="chart-ops" viewBox="0 0 600 70" preserveAspectRatio="none"></svg></div>
              <div class="chart"><div class="label"><span>errors/s</span><span id="errors-max"></span></div><svg id="chart-errors" viewBox="0 0 600 70" preserveAspectRatio="none"></svg></div>
              <div class="chart"><div class="label"><span>hit ratio</span><span id="hits-now"></span></div><svg id="chart-hits" viewBox="0 0 600 70" preserveAspectRatio="none"></svg></div>
            </div>
          </section>
          <section><h2>By category</h2><div id="categories"></div></section>
          <section class="wide"><h2>By command</h2><div id="commands"></div></section>
          <section><h2>Hot keys</h2><div id="hotkeys" data-panel="hotkeys"></div></section>
          <section><h2>Big values</h2><div id="bigkeys" data-panel="bigkeys"></div></section>
          <section><h2>Clients</h2><div id="clients" data-panel="clients"></div></section>
          <section class="wide"><h2>Slow log</h2><div id="slowlog" data-panel="slowlog"></div></section>
        </main>
        <script>
        "use strict";
        window.updates = 0;
        window.lastStats = null;
        const HISTORY = 60;
        const history = { ops: [], errors: [], hits: [] };
        let previous = null;

        // Formats: the same as LiveFormat in Swift (redis-lens top).
        const fmt = {
          number(v) {
            if (v === null || v === undefined || !isFinite(v)) return "-";
            const m = Math.abs(v);
            if (m >= 1e9) return (v / 1e9).toFixed(1) + "G";
            if (m >= 1e6) return (v / 1e6).toFixed(1) + "M";
            if (m >= 1e4) return (v / 1e3).toFixed(1) + "k";
            if (m >= 100 || v === Math.round(v)) return v.toFixed(0);
            return v.toFixed(1);
          },
          duration(s) {
            if (!isFinite(s) || s <= 0) return "0";
            if (s < 1e-6) return (s * 1e9).toFixed(0) + "ns";
            if (s < 1e-3) return (s * 1e6).toFixed(0) + "µs";
            if (s < 1) return (s * 1e3).toFixed(2) + "ms";
            return s.toFixed(2) + "s";
          },
          bytes(v) {
            if (v === null || v === undefined || !isFinite(v)) return "-";
            const units = ["B", "KiB", "MiB", "GiB", "TiB"];
            let i = 0;
            while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
            return i === 0 ? v.toFixed(0) + " B" : v.toFixed(1) + " " + units[i];
          },
          percent(r) { return (r === null || r === undefined || !isFinite(r)) ? "-" : (r * 100).toFixed(1) + "%"; },
          uptime(s) {
            if (s === null || s === undefined || !isFinite(s) || s < 0) return "-";
            const w = Math.floor(s), two = (n) => (n < 10 ? "0" : "") + n;
            if (w < 60) return w + "s";
            if (w < 3600) return Math.floor(w / 60) + "m" + two(w % 60) + "s";
            if (w < 86400) return Math.floor(w / 3600) + "h" + two(Math.floor(w / 60) % 60) + "m";
            return Math.floor(w / 86400) + "d" + two(Math.floor(w / 3600) % 24) + "h";
          },
        };

        function el(tag, attrs, ...children) {
          const node = document.createElement(tag);
          for (const [k, v] of Object.entries(attrs || {})) {
            if (v !== undefined && v !== null) node.setAttribute(k, String(v));
          }
          for (const child of children) {
            node.append(child instanceof Node ? child : document.createTextNode(String(child)));
          }
          return node;
        }

        // A cell showing `text` whose exact number is in data-value, named data-stat.
        function cell(stat, value, text, cls) {
          return el("td", { "data-stat": stat, "data-value": value ?? "", class: cls }, text);
        }

        function table(headers, rows, empty) {
          if (rows.length === 0) return el("p", { class: "off" }, empty);
          return el("table", {}, el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", {}, h)))),
            el("tbody", {}, ...rows));
        }

        function setStat(stat, value, text) {
          for (const node of document.querySelectorAll('[data-stat="' + stat + '"]')) {
            node.dataset.value = value ?? "";
            node.textContent = text;
          }
        }

        function push(series, value) {
          series.push(value);
          if (series.length > HISTORY) series.splice(0, series.length - HISTORY);
        }

        function chart(id, series, max, color) {
          const svg = document.getElementById(id);
          const top = Math.max(max ?? Math.max(0, ...series), 1e-9);
          const step = 600 / (HISTORY - 1), offset = HISTORY - series.length;
          const points = series.map((v, i) => ((offset + i) * step).toFixed(1) + "," + (68 - (v / top) * 64).toFixed(1));
          const ns = "http://www.w3.org/2000/svg";
          svg.replaceChildren();
          const base = document.createElementNS(ns, "line");
          for (const [k, v] of Object.entries({ x1: 0, y1: 68.5, x2: 600, y2: 68.5, stroke: "#2a3440" })) base.setAttribute(k, v);
          svg.append(base);
          if (points.length < 2) return;
          const area = document.createElementNS(ns, "polygon");
          area.setAttribute("points", points[0].split(",")[0] + ",68 " + points.join(" ") + " 600,68");
          area.setAttribute("fill", color);
          area.setAttribute("fill-opacity", "0.15");
          const line = document.createElementNS(ns, "polyline");
          line.setAttribute("points", points.join(" "));
          line.setAttribute("fill", "none");
          line.setAttribute("stroke", color);
          line.setAttribute("stroke-width", "2");
          line.setAttribute("vector-effect", "non-scaling-stroke");
          svg.append(area, line);
        }

        function sum(values) { return values.reduce((a, b) => a + b, 0); }

        // Rates from count deltas between polls, as LiveModel does: none on the first poll,
        // none for a counter that went down (the proxy restarted).
        function rate(now, before, seconds) {
          return before === undefined || seconds <= 0 || now < before ? null : (now - before) / seconds;
        }

        function renderStats(stats, time) {
          const commands = Object.entries(stats.commands || {});
          const categories = Object.entries(stats.categories || {});
          const total = sum(categories.map(([, c]) => c.count || 0));
          const errors = sum(categories.map(([, c]) => c.errors || 0));
          let seconds = 0, before = null;
          if (previous) { seconds = time - previous.time; before = previous.stats; }
          const totalBefore = before ? sum(Object.values(before.categories || {}).map((c) => c.count || 0)) : undefined;
          const errorsBefore = before ? sum(Object.values(before.categories || {}).map((c) => c.errors || 0)) : undefined;
          const ops = rate(total, totalBefore, seconds), errorRate = rate(errors, errorsBefore, seconds);
          if (before && ops === null) { history.ops.length = 0; history.errors.length = 0; history.hits.length = 0; }
          if (ops !== null) {
            push(history.ops, ops);
            push(history.errors, errorRate ?? 0);
            push(history.hits, stats.hit_ratio ?? 0);
          }
          const proxy = stats.proxy || {}, memory = stats.memory || {};
          setStat("ops_per_second", ops, fmt.number(ops));
          setStat("errors_per_second", errorRate, fmt.number(errorRate));
          setStat("total.commands", total, fmt.number(total));
          setStat("total.errors", errors, fmt.number(errors));
          setStat("hit_ratio", stats.hit_ratio, fmt.percent(stats.hit_ratio));
          setStat("proxy.uptime_seconds", proxy.uptime_seconds, fmt.uptime(proxy.uptime_seconds));
          const up = proxy.upstream_up;
          setStat("proxy.upstream_up", up, up === undefined ? "-" : up > 0 ? "up" : "down");
          document.getElementById("upstream").className = up > 0 ? "up" : "down";
          for (const k of ["pool_used", "pool_idle", "pool_waiting"]) setStat("proxy." + k, proxy[k], fmt.number(proxy[k]));
          for (const k of ["used_memory", "maxmemory", "used_memory_rss"]) setStat("memory." + k, memory[k], fmt.bytes(memory[k]));
          if (memory.maxmemory === 0) setStat("memory.maxmemory", 0, "no limit");
          document.getElementById("ops-max").textContent = "max " + fmt.number(Math.max(0, ...history.ops));
          document.getElementById("errors-max").textContent = "max " + fmt.number(Math.max(0, ...history.errors));
          document.getElementById("hits-now").textContent = fmt.percent(stats.hit_ratio);
          chart("chart-ops", history.ops, null, "#4fb3ff");
          chart("chart-errors", history.errors, null, "#ff6b6b");
          chart("chart-hits", history.hits, 1, "#5fd38d");

          const order = (a, b) => (b.rate ?? 0) - (a.rate ?? 0) || b.count - a.count || (a.name < b.name ? -1 : 1);
          const categoryRows = categories.map(([name, c]) => ({ name, count: c.count || 0, errors: c.errors || 0,
            rate: rate(c.count || 0, before ? ((before.categories || {})[name] || {}).count || 0 : undefined, seconds) }))
            .sort(order);
          document.getElementById("categories").replaceChildren(table(["category", "ops/s", "count", "errors"],
            categoryRows.map((r) => el("tr", { "data-category": r.name }, el("td", {}, r.name),
              cell("categories." + r.name + ".ops_per_second", r.rate, fmt.number(r.rate)),
              cell("categories." + r.name + ".count", r.count, fmt.number(r.count)),
              cell("categories." + r.name + ".errors", r.errors, fmt.number(r.errors)))), "no commands yet"));
          const commandRows = commands.map(([name, c]) => ({ name, count: c.count || 0, errors: c.errors || 0,
            p50: c.p50 || 0, p99: c.p99 || 0, hit: c.hit_ratio,
            rate: rate(c.count || 0, before ? ((before.commands || {})[name] || {}).count || 0 : undefined, seconds) }))
            .sort(order);
          document.getElementById("commands").replaceChildren(table(["command", "ops/s", "count", "errors", "p50", "p99", "hit"],
            commandRows.map((r) => el("tr", { "data-command": r.name }, el("td", {}, r.name),
              cell("commands." + r.name + ".ops_per_second", r.rate, fmt.number(r.rate)),
              cell("commands." + r.name + ".count", r.count, fmt.number(r.count)),
              cell("commands." + r.name + ".errors", r.errors, fmt.number(r.errors)),
              cell("commands." + r.name + ".p50", r.p50, fmt.duration(r.p50)),
              cell("commands." + r.name + ".p99", r.p99, fmt.duration(r.p99)),
              cell("commands." + r.name + ".hit_ratio", r.hit, fmt.percent(r.hit)))), "no commands yet"));
          previous = { time, stats };
        }

        function off(id, why) {
          const panel = document.getElementById(id);
          panel.dataset.state = "off";
          panel.replaceChildren(el("p", { class: "off" }, why));
        }

        function on(id, ...content) {
          const panel = document.getElementById(id);
          panel.dataset.state = "on";
          panel.replaceChildren(...content);
        }

        function keyText(k) { return (k.key ?? "") + (k.truncated ? "…" : ""); }

        function renderHotKeys(doc) {
          if (!doc || doc.enabled === false) return off("hotkeys", "off (start redis-lens with --hotkeys)");
          const current = doc.current || {};
          on("hotkeys", el("p", { class: "sub" }, "window " + fmt.number(doc.window_seconds) + " s, " +
            fmt.number(current.elapsed_seconds) + " s in, " + fmt.number(current.commands) + " keyed commands"),
            table(["key", "count", "±", "reads", "writes", "hit"], (current.keys || []).slice(0, 15).map((k, i) =>
              el("tr", {}, el("td", { class: "key", title: keyText(k), "data-stat": "hotkeys." + i + ".key" }, keyText(k)),
                cell("hotkeys." + i + ".count", k.count, fmt.number(k.count)),
                cell("hotkeys." + i + ".error", k.error, k.error ? fmt.number(k.error) : ""),
                cell("hotkeys." + i + ".reads", k.reads, fmt.number(k.reads)),
                cell("hotkeys." + i + ".writes", k.writes, fmt.number(k.writes)),
                cell("hotkeys." + i + ".hit_ratio", null,
                  fmt.percent((k.hits || 0) + (k.misses || 0) > 0 ? k.hits / (k.hits + k.misses) : null)))), "no keyed commands yet"));
        }

        function renderBigKeys(doc) {
          if (!doc || doc.enabled === false) return off("bigkeys", "off");
          const rows = [...(doc.replies || []).map((v) => ["reply", v]), ...(doc.requests || []).map((v) => ["request", v])]
            .sort((a, b) => (b[1].bytes || 0) - (a[1].bytes || 0)).slice(0, 10);
          on("bigkeys", table(["key", "command", "", "bytes"], rows.map(([kind, v], i) =>
            el("tr", {}, el("td", { class: "key", title: keyText(v) }, keyText(v)), el("td", {}, v.command ?? ""),
              el("td", {}, kind), cell("bigkeys." + i + ".bytes", v.bytes, fmt.bytes(v.bytes)))), "nothing large yet"));
        }

        function renderClients(doc) {
          if (!doc || doc.enabled === false) return off("clients", "off");
          on("clients", table(["client", "conns", "commands", "errors", "hit", "library"], (doc.clients || []).slice(0, 15).map((c) =>
            el("tr", {}, el("td", { class: "key" }, c.label === "" ? "(unnamed)" : c.label ?? ""),
              cell("clients." + c.label + ".connections", c.connections, fmt.number(c.connections)),
              cell("clients." + c.label + ".commands", c.commands, fmt.number(c.commands)),
              cell("clients." + c.label + ".errors", c.errors, fmt.number(c.errors)),
              el("td", {}, fmt.percent((c.hits || 0) + (c.misses || 0) > 0 ? c.hits / (c.hits + c.misses) : null)),
              el("td", { class: "wrap" }, (c.libraries || []).join(", ")))), "no clients yet"));
        }

        function renderSlowLog(doc) {
          if (!Array.isArray(doc)) return off("slowlog", "off");
          on("slowlog", table(["when", "took", "command", "client"], doc.slice(0, 10).map((e) =>
            el("tr", {}, el("td", {}, new Date((e.time || 0) * 1000).toLocaleTimeString()),
              el("td", {}, fmt.duration(e.duration_seconds)),
              el("td", { class: "wrap" }, e.arguments || e.command || ""), el("td", {}, e.client || ""))),
            "no slow commands"));
        }

        // One document: its JSON, or null when the endpoint is missing (404) or failed.
        async function fetchJSON(path) {
          try {
            const response = await fetch(path, { cache: "no-store" });
            if (!response.ok) return { ok: false, status: response.status };
            return { ok: true, doc: await response.json() };
          } catch (error) {
            return { ok: false, error: String(error) };
          }
        }

        async function poll() {
          const started = performance.now();
          const [stats, slowlog, hotkeys, bigkeys, clients] =
            await Promise.all(["/stats", "/slowlog", "/hotkeys", "/bigkeys", "/clients"].map(fetchJSON));
          const status = document.getElementById("status");
          if (stats.ok) {
            const time = performance.now() / 1000;
            renderStats(stats.doc, time);
            window.lastStats = stats.doc;
            status.className = "";
            status.textContent = "updated " + new Date().toLocaleTimeString();
          } else {
            status.className = "error";
            status.textContent = "cannot read /stats (" + (stats.status ? "HTTP " + stats.status : stats.error) + "), retrying";
          }
          renderHotKeys(hotkeys.ok ? hotkeys.doc : null);
          renderBigKeys(bigkeys.ok ? bigkeys.doc : null);
          renderClients(clients.ok ? clients.doc : null);
          renderSlowLog(slowlog.ok ? slowlog.doc : null);
          if (stats.ok) window.updates += 1;
          setTimeout(poll, Math.max(100, 1000 - (performance.now() - started)));
        }
        poll();
        </script>
        </body>
        </html>
        """#
}
