// Charts of the policy pages (Chart.js): the fitness check's ratings per domain and the network
// figures over time. The data comes from JSON script elements; a table beside each chart has
// the same figures.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var colours = { fostering: "#166534", neutral: "#6b7280", hindering: "#b91c1c" };
  var check = document.getElementById("policy-check-chart");
  var canvas = document.getElementById("check-chart");
  if (check && canvas) {
    var data = JSON.parse(check.textContent);
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s) {
          return { label: s.label, data: s.data, backgroundColor: colours[s.key] };
        })
      },
      options: { animation: false, indexAxis: "y", aspectRatio: 3,
                 scales: { x: { stacked: true, ticks: { precision: 0 },
                                title: { display: true, text: canvas.dataset.xLabel } },
                           y: { stacked: true } },
                 plugins: { legend: { position: "bottom" } } }
    });
  }
  var series = document.getElementById("policy-series");
  if (series) {
    var all = JSON.parse(series.textContent);
    document.querySelectorAll("canvas[data-series]").forEach(function (c) {
      var s = all[c.dataset.series];
      if (!s || !s.points.length) { return; }
      new Chart(c, {
        type: "line",
        data: {
          labels: s.points.map(function (p) { return p.date; }),
          datasets: [{ label: s.unit, data: s.points.map(function (p) { return p.value; }),
                       borderColor: "#1d4ed8", backgroundColor: "#1d4ed8", stepped: true, pointRadius: 3 }]
        },
        // The legend is hidden (one series), so the y axis names the unit.
        options: { animation: false, aspectRatio: 5,
                   scales: { y: { beginAtZero: true, title: { display: true, text: s.unit } } },
                   plugins: { legend: { display: false } } }
      });
    });
  }
})();
