// The wedge chart: business as usual on top, each measure's wedge stacked down to the scenario,
// the 5–95 % band of the Monte Carlo runs and the targets. Data from a JSON script element; the
// page has the same figures in a table.
(function () {
  "use strict";
  var canvas = document.getElementById("wedge-chart");
  var source = document.getElementById("scenario-chart");
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var palette = ["#1d4ed8", "#166534", "#92400e", "#6b21a8", "#0f766e", "#9d174d", "#3f6212"];
  var points = function (values) {
    return data.years.map(function (y, i) { return { x: y, y: values[i] }; });
  };
  var datasets = [];
  // Stack wedges from the scenario line up to business as usual.
  var level = data.scenario.slice();
  data.wedges.forEach(function (w, k) {
    var top = level.map(function (v, i) { return v + w.values[i]; });
    datasets.push({ label: w.name, data: points(top), fill: "-1", pointRadius: 0,
      borderWidth: 0, backgroundColor: palette[k % palette.length] + "99" });
    level = top;
  });
  datasets.unshift({ label: canvas.dataset.scenarioLabel, data: points(data.scenario),
    borderColor: "#111827", borderWidth: 2, pointRadius: 0, fill: false });
  datasets.push({ label: canvas.dataset.bauLabel, data: points(data.bau), borderColor: "#b91c1c",
    borderWidth: 2, borderDash: [6, 4], pointRadius: 0, fill: false });
  datasets.push({ label: canvas.dataset.bandLabel, data: points(data.bands.scenario[0]),
    borderColor: "#6b7280", borderWidth: 1, borderDash: [2, 3], pointRadius: 0, fill: false });
  // The band's upper edge fills down to its lower edge: one band, one legend entry.
  datasets.push({ label: canvas.dataset.bandLabel, data: points(data.bands.scenario[2]),
    borderColor: "#6b7280", borderWidth: 1, borderDash: [2, 3], pointRadius: 0, fill: "-1",
    backgroundColor: "rgba(107,114,128,0.12)", hideInLegend: true });
  data.targets.forEach(function (t) {
    datasets.push({ label: canvas.dataset.targetLabel + ": " + t.title, type: "scatter",
      data: [{ x: t.year, y: t.t_co2 }], pointStyle: "rectRot", pointRadius: 7,
      backgroundColor: "#000000" });
  });
  if (data.observations && data.observations.length) {
    datasets.push({ label: canvas.dataset.observedLabel, type: "scatter",
      data: data.observations.map(function (o) { return { x: o.year, y: o.t_co2 }; }),
      pointStyle: "circle", pointRadius: 5, backgroundColor: "#1d4ed8" });
  }
  if (data.monitoring && data.monitoring.length) {
    datasets.push({ label: canvas.dataset.meiLabel, type: "scatter",
      data: data.monitoring.map(function (o) { return { x: o.year, y: o.t_co2 }; }),
      pointStyle: "triangle", pointRadius: 7, backgroundColor: "#b45309" });
  }
  new Chart(canvas, {
    type: "line",
    data: { datasets: datasets },
    options: {
      // Numbers in the page's language, not the browser's.
      locale: document.documentElement.lang || undefined,
      animation: false, parsing: false,
      // On a phone the legend would leave the lines a sliver: a taller chart there.
      aspectRatio: canvas.parentElement.clientWidth < 600 ? 0.6 : 2,
      scales: {
        // Years are not quantities: 2030, never "2,030".
        x: { type: "linear", ticks: { precision: 0, callback: function (v) { return String(v); } },
             title: { display: true, text: canvas.dataset.yearLabel } },
        y: { title: { display: true, text: data.unit }, beginAtZero: true }
      },
      plugins: { legend: { position: "bottom", labels: { filter: function (item, chart) {
        return !chart.datasets[item.datasetIndex].hideInLegend;
      } } } }
    }
  });
  // Lets tests (and readers of the DOM) know the chart was drawn, and with how many series.
  canvas.dataset.drawn = String(datasets.length);
})();
