/* Charts of the energy pages (Chart.js, vendored): an area's hourly profile for one week, and
   an entry's monthly curve against its baseline year. The data also sit in a table beside. */
(function () {
  "use strict";
  if (!window.Chart) { return; }
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var profile = data("profile-data");
  var canvas = document.getElementById("profile-chart");
  if (profile && canvas) {
    var chart = new Chart(canvas, {
      type: "line",
      data: {
        labels: profile.hours.map(function (h) { return h.slice(5, 13).replace("T", " ") + "h"; }),
        datasets: [
          { label: canvas.dataset.consumption, data: profile.consumption_kwh, borderColor: "#bd0026", backgroundColor: "rgba(189,0,38,0.1)", pointRadius: 0, borderWidth: 1.5 },
          { label: canvas.dataset.production, data: profile.production_kwh, borderColor: "#006837", backgroundColor: "rgba(0,104,55,0.15)", fill: true, pointRadius: 0, borderWidth: 1.5 }
        ]
      },
      options: { animation: false, responsive: true, maintainAspectRatio: false, interaction: { mode: "index", intersect: false }, scales: { y: { beginAtZero: true } } }
    });
    canvas.setAttribute("data-drawn", String(chart.data.datasets[0].data.length));
  }
  var curve = data("curve-data");
  var curveCanvas = document.getElementById("curve-chart");
  if (curve && curveCanvas) {
    var months = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"];
    var c = new Chart(curveCanvas, {
      type: "line",
      data: {
        labels: months,
        datasets: [
          { label: String(curve.baseline.year), data: curve.baseline.net_kwh, borderColor: "#5e3c99", borderDash: [6, 4] },
          { label: String(curve.scoring.year), data: curve.scoring.net_kwh, borderColor: "#e66101" }
        ]
      },
      options: { animation: false, responsive: true, maintainAspectRatio: false }
    });
    curveCanvas.setAttribute("data-drawn", String(c.data.datasets.length));
  }
})();
