/* Charts of the assessment dashboard (ECharts, vendored). Each page embeds its data with
   json_script; the functions below only draw — every status comes from the server's assessment. */
(function () {
  "use strict";
  var FONT = '"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",sans-serif';
  var TREND_COLORS = {"已达标": "#2e7d32", "进展顺利": "#66bb6a", "需加快": "#ffb300", "进展有限": "#fb8c00",
    "倒退": "#e53935", "无法计算": "#cfd8dc"};

  function data(id) { return JSON.parse(document.getElementById(id).textContent); }
  function init(el) {
    var chart = echarts.init(el, null, {renderer: "canvas"});
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"]/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c];
    });
  }
  var base = {textStyle: {fontFamily: FONT}, animationDuration: 300};

  // Region × indicator matrix: one coloured cell per region and indicator, areas named above.
  window.ecoMatrix = function (el, d, urls) {
    var n = d.regions.length, cols = d.columns;
    el.style.height = Math.max(260, n * 26 + 130) + "px";
    var chart = init(el);
    var mid = {};
    d.areas.forEach(function (a) { mid[a.start + Math.floor((a.count - 1) / 2)] = a.name; });
    var starts = {};
    d.areas.forEach(function (a) { starts[a.start] = true; });
    chart.setOption(Object.assign({}, base, {
      grid: {left: 110, right: 16, top: 70, bottom: 36},
      tooltip: {
        confine: true,
        formatter: function (p) {
          // A cell: [x, y, status, value, target, gap, reason]; target and reason index d.texts.
          var x = p.data[0], y = p.data[1], c = cols[x], s = d.statuses[p.data[2]];
          var t = [p.data[3], d.texts[p.data[4]], p.data[5], d.texts[p.data[6]]];
          return "<b>" + esc(d.regions[y]) + "</b> · " + esc(c[0] + " " + c[1]) + "<br>" +
            '<span style="color:' + s[2] + '">●</span> ' + esc(s[1]) + "<br>数值：" + esc(t[0]) +
            "<br>目标：" + esc(t[1]) + (t[2] ? "<br>差距：" + esc(t[2]) : "") +
            (t[3] ? '<br><span style="color:#6b7280">' + esc(t[3]) + "</span>" : "");
        }
      },
      xAxis: [
        {type: "category", data: cols.map(function (c) { return c[0]; }), position: "bottom",
          axisLabel: {interval: 0, fontSize: 11, color: "#374151"}, axisTick: {show: false}, splitArea: {show: false}},
        {type: "category", data: cols.map(function (c) { return c[0]; }), position: "top",
          axisLine: {show: false},
          axisTick: {show: true, length: 26, interval: function (i) { return !!starts[i]; }, lineStyle: {color: "#9ca3af"}},
          axisLabel: {interval: 0, fontSize: 12, fontWeight: 600, color: "#1b5e20", margin: 10,
            formatter: function (v, i) { return mid[i] || ""; }}}
      ],
      yAxis: {type: "category", data: d.regions, inverse: true, triggerEvent: true,
        axisLabel: {fontSize: 12, color: "#1f2933", width: 96, overflow: "truncate"}, axisTick: {show: false}},
      visualMap: {type: "piecewise", dimension: 2, orient: "horizontal", top: 0, left: "center", itemGap: 14,
        pieces: d.statuses.map(function (s, i) { return {value: i, label: s[1], color: s[2]}; }),
        textStyle: {fontSize: 12}},
      series: [{type: "heatmap", data: d.cells, xAxisIndex: 0,
        itemStyle: {borderColor: "#fff", borderWidth: 1.5, borderRadius: 2},
        emphasis: {itemStyle: {borderColor: "#111", borderWidth: 1.5}}, progressive: 0}]
    }));
    chart.on("click", function (p) {
      if (p.componentType === "series") {
        location.href = urls.indicator.replace("REGION", d.codes[p.data[1]]).replace("ICODE", cols[p.data[0]][0]);
      } else if (p.componentType === "yAxis") {
        var i = d.regions.indexOf(p.value);
        if (i >= 0) location.href = urls.region.replace("REGION", d.codes[i]);
      }
    });
    return chart;
  };

  // Counts of statuses per area (stacked bars) for a region.
  window.ecoAreaBars = function (el, d) {
    var chart = init(el);
    chart.setOption(Object.assign({}, base, {
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      legend: {top: 0, itemWidth: 12, itemHeight: 12, textStyle: {fontSize: 12}},
      grid: {left: 70, right: 20, top: 34, bottom: 20},
      xAxis: {type: "value", minInterval: 1, splitLine: {lineStyle: {color: "#eef0f3"}}},
      yAxis: {type: "category", data: d.areas, inverse: true, axisTick: {show: false}},
      series: d.series.map(function (s) {
        return {name: s[1], type: "bar", stack: "n", data: s[3], barWidth: 18, itemStyle: {color: s[2]},
          label: {show: true, color: s[0] === "not_applicable" ? "#6b7280" : "#fff", fontSize: 11,
            formatter: function (p) { return p.value || ""; }}};
      })
    }));
    return chart;
  };

  // Share of applicable indicators met, by area.
  window.ecoRadar = function (el, d) {
    var chart = init(el);
    chart.setOption(Object.assign({}, base, {
      tooltip: {},
      radar: {indicator: d.areas.map(function (a, i) { return {name: a + "\n" + d.radar[i] + "%", max: 100}; }),
        radius: "62%", center: ["50%", "54%"],
        splitNumber: 4, axisName: {color: "#374151", fontSize: 12},
        splitArea: {areaStyle: {color: ["#fbfdfb", "#f3f8f3", "#eaf4ea", "#e1efe1"]}}},
      series: [{type: "radar", symbolSize: 6,
        data: [{value: d.radar, name: "达标比例（%）", areaStyle: {color: "rgba(46,125,50,0.28)"},
          lineStyle: {color: "#2e7d32", width: 2}, itemStyle: {color: "#2e7d32"}}]}]
    }));
    return chart;
  };

  window.ecoTrendDonut = function (el, d) {
    var chart = init(el);
    chart.setOption(Object.assign({}, base, {
      tooltip: {trigger: "item", formatter: "{b}：{c} 项（{d}%）"},
      legend: {orient: "vertical", right: 10, top: "middle", itemWidth: 12, itemHeight: 12},
      series: [{type: "pie", radius: ["45%", "72%"], center: ["38%", "52%"], avoidLabelOverlap: true,
        label: {formatter: "{c}", fontSize: 12}, itemStyle: {borderColor: "#fff", borderWidth: 2},
        data: d.trends.map(function (t) { return {name: t[0], value: t[1], itemStyle: {color: TREND_COLORS[t[0]] || "#999"}}; })}]
    }));
    return chart;
  };

  // An indicator across years, points coloured by that year's status, with the target line.
  window.ecoIndicatorLine = function (el, d) {
    var chart = init(el);
    var hasTarget = d.targets.some(function (t) { return t !== null; });
    var series = [{name: "数值", type: "line", data: d.values.map(function (v, i) {
        return {value: v, itemStyle: {color: d.colors[d.statuses[i][0]]}};
      }), symbolSize: 11, lineStyle: {color: "#1565c0", width: 2.5}, connectNulls: false,
      label: {show: true, position: "top", fontSize: 11, color: "#1f2933"}}];
    if (hasTarget) {
      series.push({name: "目标值", type: "line", data: d.targets, step: "middle", symbol: "none",
        itemStyle: {color: "#c62828"}, lineStyle: {color: "#c62828", type: "dashed", width: 2}});
    }
    chart.setOption(Object.assign({}, base, {
      tooltip: {trigger: "axis", formatter: function (ps) {
        var i = ps[0].dataIndex, out = d.years[i] + "年<br>";
        ps.forEach(function (p) { out += esc(p.seriesName) + "：" + (p.value == null ? "—" : p.value + d.unit) + "<br>"; });
        return out + "达标情况：" + esc(d.statuses[i][1]);
      }},
      legend: {top: 0},
      grid: {left: 56, right: 24, top: 40, bottom: 30},
      xAxis: {type: "category", data: d.years.map(function (y) { return y + "年"; }), boundaryGap: true},
      yAxis: {type: "value", scale: true, name: d.unit, splitLine: {lineStyle: {color: "#eef0f3"}}},
      series: series
    }));
    return chart;
  };

  // The same indicator in sibling regions for the year, this region highlighted.
  window.ecoPeers = function (el, d) {
    var rows = d.peers.filter(function (p) { return p[1] !== null; });
    rows.sort(function (a, b) { return d.direction === "lower" ? a[1] - b[1] : b[1] - a[1]; });
    el.style.height = Math.max(220, rows.length * 34 + 70) + "px";
    var chart = init(el);
    chart.setOption(Object.assign({}, base, {
      tooltip: {trigger: "item", formatter: function (p) { return esc(p.name) + "：" + p.value + d.unit + "（" + esc(rows[p.dataIndex][3]) + "）"; }},
      grid: {left: 90, right: 60, top: 30, bottom: 24},
      xAxis: {type: "value", scale: true, splitLine: {lineStyle: {color: "#eef0f3"}}},
      yAxis: {type: "category", inverse: true, data: rows.map(function (p) { return p[0]; }),
        axisLabel: {formatter: function (v) { return v; }, rich: {}}},
      series: [{type: "bar", barWidth: 18, data: rows.map(function (p) {
        return {value: p[1], itemStyle: {color: d.colors[p[2]], borderColor: p[4] ? "#111" : null, borderWidth: p[4] ? 2 : 0}};
      }), label: {show: true, position: "right", fontSize: 11},
        markLine: d.peer_target === null ? undefined : {symbol: "none", data: [{xAxis: d.peer_target}],
          lineStyle: {color: "#c62828", type: "dashed", width: 2}, label: {formatter: "目标 {c}", color: "#c62828", position: "end"}}}]
    }));
    return chart;
  };

  var BUCKET_COLORS = {approved: "#43a047", submitted: "#ffb300", draft: "#90caf9", returned: "#e57373", missing: "#cfd8dc"};

  window.ecoCompletenessRegions = function (el, d) {
    el.style.height = Math.max(220, d.regions.length * 30 + 80) + "px";
    var chart = init(el);
    chart.setOption(Object.assign({}, base, {
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      legend: {top: 0, itemWidth: 12, itemHeight: 12},
      grid: {left: 90, right: 70, top: 34, bottom: 20},
      xAxis: {type: "value", minInterval: 1, splitLine: {lineStyle: {color: "#eef0f3"}}},
      yAxis: {type: "category", inverse: true, data: d.regions.map(function (r) { return r[0]; })},
      series: d.buckets.map(function (b, j) {
        return {name: b[1], type: "bar", stack: "s", barWidth: 16, itemStyle: {color: BUCKET_COLORS[b[0]]},
          data: d.regions.map(function (r) { return r[1][j]; }),
          label: j === d.buckets.length - 1 ? {show: true, position: "right", color: "#1b5e20", fontWeight: 600,
            formatter: function (p) { return "已审核 " + d.regions[p.dataIndex][2] + "%"; }} : {show: false}};
      })
    }));
    return chart;
  };

  window.ecoCompletenessDepts = function (el, d) {
    var rows = d.departments;
    el.style.height = Math.max(220, rows.length * 24 + 60) + "px";
    var chart = init(el);
    chart.setOption(Object.assign({}, base, {
      tooltip: {formatter: function (p) { return esc(p.name) + "：已审核 " + p.value + "%（应填 " + rows[p.dataIndex][2] + " 项）"; }},
      grid: {left: 130, right: 56, top: 10, bottom: 24},
      xAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}, splitLine: {lineStyle: {color: "#eef0f3"}}},
      yAxis: {type: "category", inverse: true, data: rows.map(function (r) { return r[0]; }), axisLabel: {fontSize: 12}},
      series: [{type: "bar", barWidth: 14, data: rows.map(function (r) {
        return {value: r[1], itemStyle: {color: r[1] >= 90 ? "#43a047" : r[1] >= 60 ? "#ffb300" : "#e53935"}};
      }),
        label: {show: true, position: "right", formatter: "{c}%", fontSize: 11}}]
    }));
    return chart;
  };

  window.ecoData = data;

  // Each page names its data element; the charts start here, not from an inline script, so the
  // Content-Security-Policy can forbid inline script (script-src 'self').
  function start() {
    var el = function (id) { return document.getElementById(id); };
    if (el("matrix-data") && el("matrix")) {
      var m = el("matrix");
      window.ecoMatrix(m, data("matrix-data"), {indicator: m.dataset.indicatorUrl, region: m.dataset.regionUrl});
    }
    if (el("region-data")) {
      var r = data("region-data");
      window.ecoAreaBars(el("areas"), r);
      window.ecoRadar(el("radar"), r);
      window.ecoTrendDonut(el("trends"), r);
    }
    if (el("indicator-data") && el("line")) {
      var i = data("indicator-data");
      window.ecoIndicatorLine(el("line"), i);
      window.ecoPeers(el("peers"), i);
    }
    if (el("completeness-data")) {
      var c = data("completeness-data");
      window.ecoCompletenessRegions(el("regions"), c);
      window.ecoCompletenessDepts(el("depts"), c);
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
