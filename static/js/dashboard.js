// The dashboard's and the monthly review's charts, drawn with the vendored Chart.js from the
// numbers the page carries in <script type="application/json" id="dashboard-data"> (json_script):
// the Content-Security-Policy forbids inline scripts. Every chart's numbers are also in a table.
(function () {
  "use strict";

  var BLUE = "#2f6fb3";
  var TEAL = "#2a9d8f";
  var AMBER = "#d08c2c";
  var GRID = "rgba(0, 0, 0, 0.06)";

  function readData() {
    var element = document.getElementById("dashboard-data");
    return element ? JSON.parse(element.textContent) : {};
  }

  // A click on a bar or point opens the complaint list that the number counts.
  function openUrl(urls) {
    return function (event, elements) {
      if (!urls || !elements.length) { return; }
      var url = urls[elements[0].index];
      if (url) { window.location.href = url; }
    };
  }

  function countAxis(extra) {
    var axis = { beginAtZero: true, ticks: { precision: 0 }, grid: { color: GRID } };
    return Object.assign(axis, extra || {});
  }

  function percentAxis() {
    return {
      position: "right", min: 0, max: 100, grid: { drawOnChartArea: false },
      ticks: { callback: function (value) { return value + "%"; } }
    };
  }

  var builders = {
    backlog: function (d) {
      return {
        type: "line",
        data: { labels: d.labels, datasets: [{
          label: "Open complaints", data: d.values, borderColor: BLUE, backgroundColor: "rgba(47, 111, 179, 0.12)",
          fill: true, tension: 0.25, pointRadius: 3, pointHoverRadius: 6
        }] },
        options: { onClick: openUrl(d.urls), scales: { y: countAxis(), x: { grid: { display: false } } },
                   plugins: { legend: { display: false } } }
      };
    },
    groups: function (d) { return bars(d, "Complaints", TEAL, false); },
    categories: function (d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: [
          { type: "bar", label: "Complaints", data: d.values, backgroundColor: BLUE, yAxisID: "y", order: 2,
            borderRadius: 3 },
          { type: "line", label: "Cumulative share", data: d.cumulative, borderColor: AMBER, backgroundColor: AMBER,
            yAxisID: "share", order: 1, tension: 0, pointRadius: 3 }
        ] },
        options: {
          onClick: openUrl(d.urls),
          scales: { y: countAxis(), share: percentAxis(),
                    x: { grid: { display: false }, ticks: { autoSkip: false, maxRotation: 40,
                         callback: function (value) { return shorten(this.getLabelForValue(value)); } } } },
          plugins: { tooltip: { callbacks: { label: function (item) {
            return item.dataset.yAxisID === "share" ? "Cumulative: " + item.raw + "%" : "Complaints: " + item.raw;
          } } } }
        }
      };
    },
    trend: function (d) {
      return {
        type: "bar",
        data: { labels: d.labels, datasets: [
          { type: "bar", label: "Received", data: d.received, backgroundColor: BLUE, yAxisID: "y", order: 2 },
          { type: "bar", label: "Closed", data: d.closed, backgroundColor: TEAL, yAxisID: "y", order: 2 },
          { type: "line", label: "Recovery rate (%)", data: d.recovery, borderColor: AMBER, backgroundColor: AMBER,
            yAxisID: "share", order: 1, spanGaps: true }
        ] },
        options: { scales: { y: countAxis(), share: percentAxis(), x: { grid: { display: false } } } }
      };
    }
  };

  function shorten(text) {
    return text && text.length > 28 ? text.slice(0, 27) + "…" : text;
  }

  function bars(d, label, colour, horizontal) {
    return {
      type: "bar",
      data: { labels: d.labels, datasets: [{ label: label, data: d.values, backgroundColor: colour, borderRadius: 3 }] },
      options: {
        indexAxis: horizontal ? "y" : "x",
        onClick: openUrl(d.urls),
        scales: horizontal
          ? { x: countAxis(), y: { grid: { display: false } } }
          : { y: countAxis(), x: { grid: { display: false } } },
        plugins: { legend: { display: false } }
      }
    };
  }

  function drawCharts() {
    if (!window.Chart) { return; }
    var Chart = window.Chart;
    Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = "#495057";
    Chart.defaults.animation = false;
    Chart.defaults.maintainAspectRatio = false;
    var data = readData();
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var name = canvas.getAttribute("data-chart");
      if (!data[name] || !builders[name]) { return; }
      var chart = new Chart(canvas, builders[name](data[name]));
      canvas.setAttribute("data-drawn", "true");
      // Printing changes the page width: redraw to fit the paper, and again on the way back. The print
      // media query fires once the print layout applies, where beforeprint can come too early.
      window.addEventListener("beforeprint", function () { chart.resize(); });
      if (window.matchMedia) {
        window.matchMedia("print").addEventListener("change", function () { chart.resize(); });
      }
    });
  }

  // The period: a preset applies at once; typing a date switches to custom dates.
  function wirePeriod() {
    var form = document.querySelector("form.dashboard-filters");
    if (!form) { return; }
    var period = form.querySelector("[name='period']");
    form.querySelectorAll("[name='date_from'], [name='date_to']").forEach(function (input) {
      input.addEventListener("change", function () { if (period) { period.value = "custom"; } });
    });
    if (period) {
      period.addEventListener("change", function () {
        if (period.value !== "custom") { form.requestSubmit(); }
      });
    }
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });

  drawCharts();
  wirePeriod();
})();
