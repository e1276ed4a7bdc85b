// The report page's charts (Chart.js, vendored by scripts/build-widget.sh). Each series differs
// by shape as well as colour (bars, dashed line with triangles, hatched bars), and the same
// numbers are in the table below the charts.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof window.Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  if (!data.days.length) return;
  var ink = "#1b1b1b";
  window.Chart.defaults.color = ink;
  window.Chart.defaults.font.size = 13;
  window.Chart.defaults.animation = false;

  function hatch(color) {
    var canvas = document.createElement("canvas");
    canvas.width = canvas.height = 8;
    var context = canvas.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, 8, 8);
    context.strokeStyle = color;
    context.lineWidth = 2;
    context.beginPath();
    context.moveTo(0, 8); context.lineTo(8, 0);
    context.moveTo(-2, 2); context.lineTo(2, -2);
    context.moveTo(6, 10); context.lineTo(10, 6);
    context.stroke();
    return context.createPattern(canvas, "repeat");
  }

  function chart(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) new window.Chart(canvas, config);
  }

  var axes = { y: { beginAtZero: true, ticks: { precision: 0 } } };
  chart("chart-messages", {
    type: "bar",
    data: { labels: data.days, datasets: [{ label: "Beskeder", data: data.messages, backgroundColor: "#0b4f8a" }] },
    options: { scales: axes, plugins: { legend: { display: true } } }
  });
  chart("chart-declined", {
    type: "line",
    data: { labels: data.days, datasets: [{ label: "Afviste (%)", data: data.declined_percent, borderColor: "#9b1c1c",
      backgroundColor: "#9b1c1c", borderDash: [6, 4], pointStyle: "triangle", pointRadius: 6 }] },
    options: { scales: { y: { beginAtZero: true, suggestedMax: 100, ticks: { callback: function (v) { return v + " %"; } } } } }
  });
  chart("chart-feedback", {
    type: "bar",
    data: { labels: data.days, datasets: [
      { label: "Tommel op (👍)", data: data.thumbs_up, backgroundColor: "#1d5e2a", borderColor: "#1d5e2a", borderWidth: 2 },
      { label: "Tommel ned (👎, skraveret)", data: data.thumbs_down, backgroundColor: hatch("#9b1c1c"), borderColor: "#9b1c1c", borderWidth: 2 }
    ] },
    options: { scales: axes }
  });
})();
