// Cross-city comparison: each city's weighted share as a bar, its 95 % interval as a floating
// bar, the adjusted share as a point. The page has the same figures in a table.
(function () {
  "use strict";
  var canvas = document.getElementById("comparison-chart");
  var source = document.getElementById("comparison-data");
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var pct = function (v) { return Math.round(v * 1000) / 10; };
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: canvas.dataset.rawLabel, data: data.raw.map(pct), backgroundColor: "#1d4ed8" },
        { label: canvas.dataset.bandLabel,
          data: data.low.map(function (l, i) { return [pct(l), pct(data.high[i])]; }),
          backgroundColor: "rgba(107,114,128,0.45)" },
        { label: canvas.dataset.adjustedLabel, type: "scatter",
          data: data.adjusted.map(function (v, i) { return { x: data.labels[i], y: pct(v) }; }),
          pointStyle: "rectRot", pointRadius: 7, backgroundColor: "#92400e" }
      ]
    },
    options: { animation: false, scales: { y: { beginAtZero: true, max: 100,
      title: { display: true, text: "%" } } }, plugins: { legend: { position: "bottom" } } }
  });
  canvas.dataset.drawn = "3";
})();
