// Probity's only script: small progressive enhancements. Every page works
// without it.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var toggle = document.querySelector(".menu-toggle");
  var nav = document.getElementById("primary-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      nav.classList.toggle("open", !open);
    });
  }
  // Put focus on the first field in error so keyboard users land on it.
  var bad = document.querySelector("[aria-invalid=true]");
  if (bad) { bad.focus(); }
})();
