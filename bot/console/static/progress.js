// Progress bars of background jobs (ingest on the documents page, training on the intents page):
// each section with data-status-url is polled while its job runs, then the page is reloaded so it
// shows the result. Without JavaScript the server renders the same status.
(function () {
  "use strict";
  var RUNNING = ["running", "queued"];

  function watch(section) {
    var url = section.getAttribute("data-status-url");
    var part = function (name) { return section.querySelector("." + name); };
    var bar = part("progress-bar"), stage = part("progress-stage"), percent = part("progress-percent");
    var summary = part("progress-summary"), error = part("progress-error");
    var seenRunning = RUNNING.indexOf(section.getAttribute("data-state")) >= 0;

    function show(status) {
      var failed = status.state === "failed";
      var text = status.summary || (failed ? "" : status.message) || "";
      var problem = status.error || (failed ? status.message : "") || "";
      bar.value = status.percent;
      bar.textContent = status.percent + " %";
      stage.textContent = status.label;
      percent.textContent = String(status.percent);
      section.setAttribute("data-state", status.state);
      summary.textContent = text;
      summary.hidden = !text;
      error.textContent = problem;
      error.hidden = !problem;
    }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (response.status === 401) { window.location.assign("/login"); throw new Error("logged out"); }
          return response.json();
        })
        .then(function (status) {
          show(status);
          if (RUNNING.indexOf(status.state) >= 0) {
            seenRunning = true;
            window.setTimeout(poll, 700);
          } else if (seenRunning) {
            seenRunning = false;
            window.location.reload();
          }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }

    if (seenRunning) poll();
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-status-url]"), watch);
})();
