/* The back-office lists (inbox, "To call") reload themselves, keeping their filters.
   The server marks leads new since a person's last visit; a reload made here adds
   refreshed=1, so it is not counted as a visit. No reload while someone is working in
   a form on the page, while the tab is hidden, or after "Pause updates" (kept for the
   tab). Without JavaScript the page says when it was read and nothing else changes. */
(function () {
  "use strict";
  var box = document.querySelector("[data-refresh-seconds]");
  if (!box) {
    return;
  }
  var seconds = Number(box.getAttribute("data-refresh-seconds")) || 60;
  var state = box.querySelector(".refresh-state");
  var button = box.querySelector("button");
  var KEY = "staff-refresh-paused";
  var paused = false;
  try {
    paused = window.sessionStorage.getItem(KEY) === "1";
  } catch (error) {
    paused = false;
  }

  function show() {
    button.setAttribute("aria-pressed", paused ? "true" : "false");
    state.textContent = paused
      ? "Updates paused: reload the page for newer leads."
      : "This list updates itself every " + seconds + " seconds.";
  }

  function busy() {
    var active = document.activeElement;
    return Boolean(active && active !== button && active.closest("form"));
  }

  button.hidden = false;
  show();
  button.addEventListener("click", function () {
    paused = !paused;
    try {
      window.sessionStorage.setItem(KEY, paused ? "1" : "0");
    } catch (error) {
      /* storage refused: the choice lasts for this page only */
    }
    show();
  });

  window.setInterval(function () {
    if (paused || document.hidden || busy()) {
      return;
    }
    var url = new URL(window.location.href);
    url.searchParams.set("refreshed", "1");
    window.location.replace(url.toString());
  }, seconds * 1000);
})();
