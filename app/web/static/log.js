// Follows a running deployment's log without reloading the page: asks the server for the
// log from the last offset it has, appends what came, and stops once the deployment has
// ended (then shows its final status). Polling rather than server-sent events keeps a
// gunicorn worker free between requests.
(function () {
  "use strict";
  var log = document.getElementById("deployment-log");
  if (!log || log.getAttribute("data-done") === "true") return;
  var state = document.getElementById("log-state");
  var status = document.getElementById("deployment-status");
  var offset = Number(log.getAttribute("data-offset"));
  var every = Number(log.getAttribute("data-poll-ms"));

  function poll() {
    fetch(log.getAttribute("data-url") + "?offset=" + offset, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("the log answered " + response.status);
        return response.json();
      })
      .then(function (part) {
        var atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
        if (part.start > offset) log.textContent += "\n[… " + (part.start - offset) + " characters dropped …]\n";
        log.textContent += part.text;
        offset = part.next_offset;
        log.setAttribute("data-offset", String(offset));
        if (atBottom) log.scrollTop = log.scrollHeight;
        status.innerHTML = "";
        var badge = document.createElement("span");
        badge.className = "status status-" + part.status;
        badge.textContent = part.status;
        status.appendChild(badge);
        if (part.done) {
          log.setAttribute("data-done", "true");
          state.textContent = "The deployment " + part.status + ".";
        } else {
          window.setTimeout(poll, every);
        }
      })
      .catch(function (error) {
        state.textContent = "Could not follow the log (" + error.message + "); retrying.";
        window.setTimeout(poll, every * 5);
      });
  }
  window.setTimeout(poll, every);
})();
