/* Ledger charts (ECharts, vendored) and the year selector. Each page embeds its data as JSON
   in a <script type="application/json"> element; nothing is computed here. No inline script. */
(function () {
  "use strict";
  var FONT = '"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",sans-serif';
  var COLORS = ["#2e7d32", "#1565c0", "#f9a825", "#6d4c41", "#8e24aa", "#00838f", "#e53935", "#546e7a"];
  var base = {textStyle: {fontFamily: FONT}, animationDuration: 300, color: COLORS};

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function chart(id) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) { return null; }
    var c = echarts.init(el, null, {renderer: "canvas"});
    window.addEventListener("resize", function () { c.resize(); });
    return c;
  }
  function wan(v) { return v >= 10000 ? (v / 10000).toFixed(2) + "亿元" : v.toLocaleString("zh-CN") + "万元"; }

  function overview(d) {
    var c = chart("chart-sources");
    if (c) {
      c.setOption(Object.assign({}, base, {
        tooltip: {trigger: "axis", formatter: function (p) { return p[0].name + "：" + wan(p[0].value); }},
        grid: {left: 80, right: 20, top: 20, bottom: 30},
        xAxis: {type: "category", data: d.sources.map(function (s) { return s.name; })},
        yAxis: {type: "value", name: "万元", axisLabel: {formatter: function (v) { return v.toLocaleString("zh-CN"); }}},
        series: [{type: "bar", data: d.sources.map(function (s) { return s.value; }), barMaxWidth: 48,
          label: {show: true, position: "top", formatter: function (p) { return p.value ? wan(p.value) : ""; }}}]
      }));
    }
    c = chart("chart-status");
    if (c) {
      c.setOption(Object.assign({}, base, {
        tooltip: {trigger: "item", formatter: "{b}：{c}个（{d}%）"},
        legend: {bottom: 0},
        color: ["#9e9e9e", "#f9a825", "#2e7d32", "#1565c0"],
        series: [{type: "pie", radius: ["40%", "68%"], center: ["50%", "45%"], data: d.status,
          label: {formatter: "{b} {c}个"}}]
      }));
    }
    c = chart("chart-execution");
    if (c) {
      c.setOption(Object.assign({}, base, {
        tooltip: {trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; }},
        legend: {bottom: 0},
        grid: {left: 50, right: 20, top: 20, bottom: 50},
        xAxis: {type: "category", data: d.months},
        yAxis: {type: "value", max: function (v) { return Math.max(100, Math.ceil(v.max / 10) * 10); },
          axisLabel: {formatter: "{value}%"}},
        series: [
          {name: "累计执行率", type: "line", data: d.execution.map(function (v, i) { return i < d.elapsed_month ? v : null; }),
            symbolSize: 6, lineStyle: {width: 3}},
          {name: "时间进度", type: "line", data: d.timeline, lineStyle: {type: "dashed"}, symbol: "none", color: "#9e9e9e"}
        ]
      }));
    }
  }

  function rankingHistory(d) {
    var c = chart("chart-ranking");
    if (!c) { return; }
    c.setOption(Object.assign({}, base, {
      tooltip: {trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : "第" + v + "名"; }},
      legend: {type: "scroll", bottom: 0},
      grid: {left: 50, right: 20, top: 20, bottom: 50},
      xAxis: {type: "category", data: d.years},
      yAxis: {type: "value", inverse: true, min: 1, max: Math.max(d.n, 1), minInterval: 1,
        axisLabel: {formatter: "第{value}名"}},
      series: d.series.map(function (s) { return {name: s.name, type: "line", data: s.data, connectNulls: true, symbolSize: 7}; })
    }));
  }

  document.addEventListener("DOMContentLoaded", function () {
    var sel = document.querySelector(".ledger-year");
    if (sel) {
      sel.addEventListener("change", function () {
        var parts = location.pathname.split("/");
        for (var i = 0; i < parts.length; i++) {
          if (/^\d{4}$/.test(parts[i])) { parts[i] = sel.value; break; }
        }
        location.href = parts.join("/") + location.search;
      });
    }
    var d = data("ledger-overview");
    if (d) { overview(d); }
    d = data("ledger-ranking");
    if (d) { rankingHistory(d); }
    document.querySelectorAll("form[data-confirm]").forEach(function (f) {
      f.addEventListener("submit", function (e) { if (!confirm(f.dataset.confirm)) { e.preventDefault(); } });
    });
  });
})();
