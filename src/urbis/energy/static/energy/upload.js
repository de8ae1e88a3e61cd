/* Polls a running upload and reloads the page when its background job moves on or ends. */
(function () {
  "use strict";
  var box = document.getElementById("upload-status");
  if (!box || box.dataset.finished === "true") { return; }
  function poll() {
    fetch(box.dataset.poll, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        // Reload when the upload ends or its job moves on (queued → running → next step),
        // so the page shows what the worker is doing.
        var job = document.getElementById("job-state");
        var moved = s.job && job &&
          (s.job.status !== job.dataset.jobStatus || s.job.step !== job.dataset.jobStep);
        if (s.finished || moved) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 700);
})();
