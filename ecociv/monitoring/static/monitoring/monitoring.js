// Days by level (HJ 633 colours) for each region/station-year of a finished air run.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("levels-chart");
  var data = document.getElementById("levels-data");
  if (!el || !data || !window.echarts) return;
  var d = JSON.parse(data.textContent);
  var colours = ["#00e400", "#ffff00", "#ff7e00", "#ff0000", "#99004c", "#7e0023"];
  var chart = echarts.init(el);
  chart.setOption({
    color: colours,
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "value", name: "天" },
    yAxis: { type: "category", data: d.categories, inverse: true },
    series: d.series.map(function (s) {
      return { name: s.name, type: "bar", stack: "days", data: s.data, barMaxWidth: 28,
               itemStyle: { borderColor: "#fff", borderWidth: 0.5 } };
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
