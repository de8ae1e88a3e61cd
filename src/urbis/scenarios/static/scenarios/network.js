// The network dashboard's bars: each scenario's modelled reduction in 2030 and 2050 against its
// baseline inventory; the section has the same figures in a table.
(function () {
  "use strict";
  var canvas = document.getElementById("network-scenarios-chart");
  var source = document.getElementById("network-scenarios-data");
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = ["#1d4ed8", "#166534", "#92400e"];
  var datasets = Object.keys(data.series).map(function (year, k) {
    return { label: year, data: data.series[year], backgroundColor: colours[k % colours.length] };
  });
  new Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets: datasets },
    options: { animation: false, indexAxis: "y",
      scales: { x: { title: { display: true, text: canvas.dataset.unit } } } }
  });
  canvas.dataset.drawn = String(datasets.length);
})();
