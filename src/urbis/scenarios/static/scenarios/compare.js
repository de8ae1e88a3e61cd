// Two scenarios' modelled emissions per year and their difference; the page has the same
// figures in a table.
(function () {
  "use strict";
  var canvas = document.getElementById("compare-chart");
  var source = document.getElementById("compare-data");
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var series = function (key) {
    return data.totals.map(function (r) { return { x: r.year, y: r[key] }; });
  };
  new Chart(canvas, {
    type: "line",
    data: { datasets: [
      { label: canvas.dataset.aLabel, data: series("a"), borderColor: "#1d4ed8", pointRadius: 0,
        borderWidth: 2, fill: false },
      { label: canvas.dataset.bLabel, data: series("b"), borderColor: "#b91c1c", pointRadius: 0,
        borderWidth: 2, borderDash: [6, 4], fill: false },
      { label: canvas.dataset.diffLabel, data: series("difference"), type: "bar",
        backgroundColor: "rgba(107,114,128,0.5)" }
    ] },
    options: {
      // Numbers in the page's language (2.000.000 in German), not the browser's.
      locale: document.documentElement.lang || undefined,
      animation: false, parsing: false,
      // On a phone the legend would leave the lines a sliver: a taller chart there.
      aspectRatio: canvas.parentElement.clientWidth < 600 ? 0.8 : 2,
      scales: {
        // Years are not quantities: 2030, never "2,030".
        x: { type: "linear", ticks: { precision: 0, callback: function (v) { return String(v); } },
             title: { display: true, text: canvas.dataset.yearLabel } },
        y: { title: { display: true, text: data.unit } }
      }
    }
  });
  canvas.dataset.drawn = "3";
})();

// Each sector's modelled emissions under the two scenarios in the last common year (the local
// production credit as a negative bar); the page's per-sector table has the same figures.
(function () {
  "use strict";
  var canvas = document.getElementById("compare-sectors-chart");
  var source = document.getElementById("compare-sectors-data");
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets: [
      { label: canvas.dataset.aLabel, data: data.a, backgroundColor: "#1d4ed8" },
      { label: canvas.dataset.bLabel, data: data.b, backgroundColor: "#b91c1c" }
    ] },
    options: {
      locale: document.documentElement.lang || undefined,
      animation: false, indexAxis: "y",
      scales: { x: { title: { display: true, text: canvas.dataset.xLabel } } }
    }
  });
  canvas.dataset.drawn = "2";
})();
