// Dashboards: draw each [data-chart] element with ECharts (served by the app, no CDN).
// The data comes from a <script type="application/json"> block (no inline script: the CSP
// forbids it). Every bar, point and cell carries the address of the records behind it.
(function () {
  "use strict";
  const phone = () => window.innerWidth < 576;
  const axisName = { width: 110, overflow: "truncate" };

  function go(url) { if (url) { window.location.href = url; } }

  function bar(d) {  // ranking: one horizontal bar per organ, largest on top
    return {
      tooltip: { trigger: "item" },
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: d.categories,
               axisLabel: Object.assign({ interval: 0 }, axisName) },
      series: [{ type: "bar", data: d.values, itemStyle: { color: "#b3140f" },
                 label: { show: true, position: "right" } }],
      _click: (p) => d.urls[p.dataIndex],
    };
  }

  function heatmap(d) {
    return {
      tooltip: { formatter: (p) => `${d.y[p.value[1]]}<br>${d.x[p.value[0]]}：${d.cells[p.dataIndex].label}` },
      grid: { left: 8, right: 8, top: 8, bottom: 60, containLabel: true },
      xAxis: { type: "category", data: d.x, splitArea: { show: true },
               axisLabel: { interval: 0, rotate: phone() ? 60 : 30, width: 100, overflow: "truncate" } },
      yAxis: { type: "category", data: d.y, splitArea: { show: true },
               axisLabel: Object.assign({ interval: 0 }, axisName) },
      visualMap: { min: 0, max: 100, show: false, inRange: { color: ["#fff5f0", "#b3140f"] } },
      series: [{ type: "heatmap", data: d.cells.map((c) => [c.x, c.y, c.v]),
                 label: { show: !phone(), formatter: (p) => d.cells[p.dataIndex].label, fontSize: 10 } }],
      _click: (p) => d.cells[p.dataIndex].url,
    };
  }

  function line(d) {
    return {
      tooltip: { trigger: "item" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: d.categories },
      yAxis: { type: "value" },
      series: d.series.map((s) => ({ type: "line", name: s.name, data: s.values,
                                     connectNulls: false, symbolSize: 10 })),
      _click: (p) => d.series[p.seriesIndex].urls[p.dataIndex],
    };
  }

  function hbar(d) {  // open / overdue ledger items by unit, stacked
    return {
      tooltip: { trigger: "item" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: d.categories,
               axisLabel: Object.assign({ interval: 0 }, axisName) },
      series: d.series.map((s) => ({ type: "bar", name: s.name, stack: s.stack, data: s.values,
                                     itemStyle: s.overdue ? { borderColor: "#b3140f", borderWidth: 2 } : undefined })),
      _click: (p) => d.series[p.seriesIndex].urls[p.dataIndex],
    };
  }

  const KINDS = { bar, heatmap, line, hbar };

  function draw(el) {
    const source = document.getElementById(el.dataset.chart);
    if (!source || !window.echarts) { return; }
    const data = JSON.parse(source.textContent);
    const option = KINDS[data.kind](data);
    const click = option._click;
    delete option._click;
    if (el.dataset.height) {
      el.style.height = `${parseInt(el.dataset.height, 10)}px`;
    }
    const chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    chart.on("click", (p) => go(click(p)));
    window.addEventListener("resize", () => chart.resize());
    el.dataset.drawn = "1";
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
})();
