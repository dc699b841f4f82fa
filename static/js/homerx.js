// HomeRx's own behaviour. Loaded on every page after htmx; no inline scripts (CSP).
(function () {
  "use strict";
})();
