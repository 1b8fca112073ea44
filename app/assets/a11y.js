// dcc.Upload renders its file input without an accessible name and with autocomplete="off" (not valid on a
// file input, and flagged by axe-core). Name every such input as soon as it is in the page.
new MutationObserver(function () {
  document.querySelectorAll(".upload input[type=file]:not([aria-label])").forEach(function (input) {
    input.setAttribute("aria-label", "Latency file: CSV or benchmark_model log");
    input.removeAttribute("autocomplete");
  });
}).observe(document.documentElement, { childList: true, subtree: true });

// dash_table's filter boxes and page buttons have no accessible names: give them one.
var PAGE_BUTTONS = { "first-page": "First page", "previous-page": "Previous page", "next-page": "Next page", "last-page": "Last page" };
new MutationObserver(function () {
  document.querySelectorAll(".dash-filter input:not([aria-label])").forEach(function (input) {
    var column = input.closest(".dash-filter").getAttribute("data-dash-column");
    input.setAttribute("aria-label", "Filter " + column);
  });
  document.querySelectorAll("input.current-page:not([aria-label])").forEach(function (input) {
    input.setAttribute("aria-label", "Page number");
  });
  Object.keys(PAGE_BUTTONS).forEach(function (name) {
    document.querySelectorAll("button." + name + ":not([aria-label])").forEach(function (button) {
      button.setAttribute("aria-label", PAGE_BUTTONS[name]);
    });
  });
}).observe(document.documentElement, { childList: true, subtree: true });
