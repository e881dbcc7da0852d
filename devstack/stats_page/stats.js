// The local stats page: polls /stats/data.json and draws the charts as SVG from the numbers.
// No inline script or style anywhere (the page runs under the stack's CSP: script-src 'self').
"use strict";

(function () {
  const SVG_NS = "http://www.w3.org/2000/svg";
  const W = 320;
  const H = 180;
  const PAD = { top: 14, right: 6, bottom: 30, left: 30 };
  const REFRESH_MS = 2000;

  function el(name, attrs, text) {
    const node = document.createElementNS(SVG_NS, name);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function clear(svg) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  }

  function empty(svg, message) {
    svg.appendChild(el("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "empty" }, message));
  }

  function niceMax(value) {
    if (value <= 0) return 1;
    const power = Math.pow(10, Math.floor(Math.log10(value)));
    for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
    return 10 * power;
  }

  function axes(svg, max) {
    const bottom = H - PAD.bottom;
    svg.appendChild(el("line", { x1: PAD.left, y1: bottom, x2: W - PAD.right, y2: bottom, class: "axis" }));
    svg.appendChild(el("line", { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: bottom, class: "axis" }));
    svg.appendChild(el("text", { x: PAD.left - 3, y: PAD.top + 4, "text-anchor": "end", class: "label" }, String(max)));
    svg.appendChild(el("text", { x: PAD.left - 3, y: bottom, "text-anchor": "end", class: "label" }, "0"));
  }

  // items: [{label, value, cls}] -> one <rect class="bar ..."> per item, height proportional to value.
  function barChart(svg, items, emptyMessage) {
    clear(svg);
    const total = items.reduce((sum, item) => sum + item.value, 0);
    if (!items.length || total === 0) {
      empty(svg, emptyMessage);
      return;
    }
    const max = niceMax(Math.max(...items.map((item) => item.value)));
    axes(svg, max);
    const plotW = W - PAD.left - PAD.right;
    const plotH = H - PAD.top - PAD.bottom;
    const slot = plotW / items.length;
    items.forEach((item, i) => {
      const h = (item.value / max) * plotH;
      const x = PAD.left + i * slot + slot * 0.1;
      const y = H - PAD.bottom - h;
      const rect = el("rect", {
        x: x.toFixed(1), y: y.toFixed(1), width: (slot * 0.8).toFixed(1), height: h.toFixed(1),
        class: item.cls || "bar", "data-label": item.label, "data-value": item.value,
      });
      rect.appendChild(el("title", {}, `${item.label}: ${item.value}`));
      svg.appendChild(rect);
      if (item.value > 0) {
        svg.appendChild(el("text", { x: (x + slot * 0.4).toFixed(1), y: (y - 2).toFixed(1), "text-anchor": "middle", class: "label" }, String(item.value)));
      }
      svg.appendChild(el("text", { x: (x + slot * 0.4).toFixed(1), y: H - PAD.bottom + 12, "text-anchor": "middle", class: "label" }, item.label));
    });
  }

  function timelineChart(svg, timeline) {
    clear(svg);
    const totals = timeline.map((m) => m.lex + m.llm);
    if (!totals.some((t) => t > 0)) {
      empty(svg, "no turns yet");
      return;
    }
    const max = niceMax(Math.max(...totals));
    axes(svg, max);
    const plotW = W - PAD.left - PAD.right;
    const plotH = H - PAD.top - PAD.bottom;
    const slot = plotW / timeline.length;
    timeline.forEach((minute, i) => {
      let base = H - PAD.bottom;
      for (const source of ["lex", "llm"]) {
        const value = minute[source];
        if (!value) continue;
        const h = (value / max) * plotH;
        base -= h;
        const rect = el("rect", {
          x: (PAD.left + i * slot + 1).toFixed(1), y: base.toFixed(1), width: Math.max(slot - 2, 1).toFixed(1),
          height: h.toFixed(1), class: `bar-${source}`, "data-source": source, "data-value": value,
        });
        rect.appendChild(el("title", {}, `${new Date(minute.minute).toLocaleTimeString()}: ${value} ${source}`));
        svg.appendChild(rect);
      }
    });
    const last = timeline[timeline.length - 1];
    svg.appendChild(el("text", { x: W - PAD.right, y: H - PAD.bottom + 12, "text-anchor": "end", class: "label" }, new Date(last.minute).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })));
    svg.appendChild(el("text", { x: PAD.left, y: H - 4, class: "label" }, "■ Lex  "));
    svg.appendChild(el("text", { x: PAD.left + 40, y: H - 4, class: "label bar-llm" }, "■ LLM"));
  }

  function histogram(svg, latency) {
    const items = latency.histogram.map((b) => ({ label: b.le === null ? ">10s" : b.le >= 1000 ? `${b.le / 1000}s` : `${b.le}`, value: b.count }));
    barChart(svg, items, "no calls yet");
  }

  function ms(value) {
    return value === null ? "–" : value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
  }

  function setText(id, text) {
    const node = document.getElementById(id);
    if (node) node.textContent = text;
  }

  function render(data) {
    const failed = Object.values(data.fallback.failed).reduce((a, b) => a + b, 0);
    const errors = Object.values(data.errors).reduce((a, b) => a + b, 0);
    setText("turns-total", String(data.turns.total));
    setText("turns-lex", String(data.turns.lex));
    setText("turns-llm", String(data.turns.llm));
    setText("fallback-rate", data.fallbackRate === null ? "–" : `${(data.fallbackRate * 100).toFixed(1)}%`);
    setText("fallback-answered", String(data.fallback.answered));
    setText("fallback-failed", String(failed));
    setText("tokens-input", String(data.tokens.input));
    setText("tokens-output", String(data.tokens.output));
    setText("tokens-total", String(data.tokens.input + data.tokens.output));
    setText("cost", `$${data.costUsd.toFixed(6)}`);
    setText("errors-total", String(errors));
    setText("llm-p50", ms(data.latency.llm.p50));
    setText("llm-p95", ms(data.latency.llm.p95));
    setText("lex-p50", ms(data.latency.lex.p50));
    setText("lex-p95", ms(data.latency.lex.p95));
    timelineChart(document.getElementById("chart-timeline"), data.timeline);
    histogram(document.getElementById("chart-llm-latency"), data.latency.llm);
    histogram(document.getElementById("chart-lex-latency"), data.latency.lex);
    barChart(document.getElementById("chart-causes"),
      Object.entries(data.fallback.failed).map(([label, value]) => ({ label, value, cls: "bar-bad" })), "no failures");
    barChart(document.getElementById("chart-errors"),
      Object.entries(data.errors).map(([label, value]) => ({ label, value, cls: "bar-bad" })), "no errors");
  }

  async function refresh() {
    try {
      const response = await fetch("/stats/data.json", { cache: "no-store" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const data = await response.json();
      render(data);
      setText("status", `updated ${new Date(data.updatedAt).toLocaleTimeString()}`);
      document.body.dataset.updated = String(data.updatedAt);
    } catch (error) {
      setText("status", `cannot load the numbers (${error.message}); retrying`);
    }
  }

  refresh();
  setInterval(refresh, REFRESH_MS);
})();
