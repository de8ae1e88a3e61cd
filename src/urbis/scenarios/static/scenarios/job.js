/* Polls a queued scenario run and reloads the page when the job moves on or ends. */
(function () {
  "use strict";
  var box = document.getElementById("run-job");
  if (!box || box.dataset.finished === "true") { return; }
  function poll() {
    fetch(box.dataset.poll, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        var moved = s.status !== box.dataset.jobStatus || s.step !== box.dataset.jobStep;
        if (s.finished || moved) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 700);
})();
