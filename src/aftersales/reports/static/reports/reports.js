/* Report charts: each <div class="chart" data-chart="N"> is drawn with ECharts (vendored) from
   the N-th spec in the page's <script id="report-charts" type="application/json">. */
(function () {
  "use strict";
  var FONT = getComputedStyle(document.documentElement).fontFamily ||
    '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif';

  function option(spec) {
    var many = spec.categories.length > 8;
    var category = {
      type: "category", data: spec.categories,
      axisLabel: { interval: 0, rotate: spec.horizontal ? 0 : (many ? 35 : 0), hideOverlap: false }
    };
    var axes = (spec.axes && spec.axes.length ? spec.axes : [{}]).map(function (a, i) {
      return { type: "value", name: a.name || "", max: a.max, minInterval: a.integer ? 1 : 0,
               splitLine: { show: i === 0 }, nameTextStyle: { align: i === 0 ? "left" : "right" } };
    });
    return {
      animation: false,
      textStyle: { fontFamily: FONT },
      title: { text: spec.title, left: 0, top: 0, textStyle: { fontSize: 14, fontWeight: 600 } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 24, left: 0, type: "scroll" },
      grid: { left: 8, right: axes.length > 1 ? 16 : 8, top: 84, bottom: 8, containLabel: true },
      xAxis: spec.horizontal ? axes : category,
      yAxis: spec.horizontal ? category : axes,
      series: spec.series.map(function (s) {
        var out = { name: s.name, type: s.type, data: s.data, stack: s.stack,
                    emphasis: { focus: "series" } };
        if (!spec.horizontal) { out.yAxisIndex = s.axis || 0; }
        if (s.color) { out.itemStyle = { color: s.color }; out.lineStyle = { color: s.color }; }
        if (s.type === "line") { out.symbolSize = 7; out.connectNulls = true; }
        if (s.type === "bar") { out.barMaxWidth = 36; }
        return out;
      })
    };
  }

  function draw(root) {
    var source = document.getElementById("report-charts");
    if (!source || typeof echarts === "undefined") { return; }
    var specs = JSON.parse(source.textContent);
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = specs[Number(el.dataset.chart)];
      if (!spec) { return; }
      var chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(spec), true);
      el.dataset.rendered = "1";
    });
  }

  function resize() {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = echarts.getInstanceByDom(el);
      if (chart) { chart.resize(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  window.addEventListener("resize", resize);
  document.addEventListener("htmx:afterSettle", function (e) { draw(e.target); });
})();
