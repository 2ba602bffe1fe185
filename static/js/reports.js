// Draws the report's chart from the JSON the page embeds (json_script), with patterns and line
// styles so that series are told apart without colour. The same figures are in the page's details.
(function () {
  "use strict";
  var COLOURS = ["#1f4fd1", "#b35c00", "#13703a", "#7a3fb0", "#b3261e"];
  var DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3]];
  var POINTS = ["circle", "rect", "triangle", "rectRot", "cross"];

  function pattern(index, colour) {
    var tile = document.createElement("canvas");
    tile.width = tile.height = 10;
    var ctx = tile.getContext("2d");
    ctx.fillStyle = colour;
    ctx.globalAlpha = 0.85;
    if (index % 4 === 0) {
      ctx.fillRect(0, 0, 10, 10);
    } else {
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, 10, 10);
      ctx.strokeStyle = colour;
      ctx.fillStyle = colour;
      ctx.lineWidth = 2;
      if (index % 4 === 1) { ctx.beginPath(); ctx.moveTo(0, 10); ctx.lineTo(10, 0); ctx.stroke(); }
      if (index % 4 === 2) { ctx.beginPath(); ctx.arc(5, 5, 2, 0, 2 * Math.PI); ctx.fill(); }
      if (index % 4 === 3) { ctx.fillRect(0, 4, 10, 2); ctx.fillRect(4, 0, 2, 10); }
    }
    return ctx.createPattern(tile, "repeat");
  }

  function draw() {
    var source = document.getElementById("chart-data");
    var canvas = document.getElementById("report-chart");
    if (!source || !canvas || typeof Chart === "undefined") { return; }
    var spec = JSON.parse(source.textContent);
    var datasets = spec.datasets.map(function (dataset, i) {
      var colour = COLOURS[i % COLOURS.length];
      var type = dataset.type || spec.type;
      return {
        type: type,
        label: dataset.label,
        data: dataset.data,
        borderColor: colour,
        backgroundColor: type === "line" ? colour : pattern(i, colour),
        borderWidth: 2,
        borderDash: type === "line" ? DASHES[i % DASHES.length] : [],
        pointStyle: POINTS[i % POINTS.length],
        pointRadius: type === "line" ? 4 : 0,
        tension: 0.2
      };
    });
    // Long names (assets, reps) read across, as horizontal bars, rather than as diagonal ticks.
    var longest = spec.labels.reduce(function (n, label) { return Math.max(n, label.length); }, 0);
    var across = spec.type === "bar" && longest > 12;
    var existing = Chart.getChart(canvas);
    if (existing) { existing.destroy(); }
    if (across) { canvas.parentNode.style.height = Math.max(280, 28 * spec.labels.length + 80) + "px"; }
    var names = { title: { display: !!spec.x_label, text: spec.x_label }, ticks: { autoSkip: false } };
    var figures = { beginAtZero: true, title: { display: !!spec.y_label, text: spec.y_label } };
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: across ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { labels: { usePointStyle: true } },
          title: { display: false }
        },
        scales: across ? { y: names, x: figures } : {
          x: { title: names.title, ticks: { maxRotation: 0, autoSkip: true } },
          y: figures
        }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
