// nhsuk-frontend's components (header menu, error summary focus, skip link, radios and
// checkboxes with conditional content), started from our static files without inline script.
// Built by `make nhsuk` (npm run build:nhsuk) into static/vendor/nhsuk/nhsuk.min.js.
import { initAll } from "nhsuk-frontend";

// The design system's template sets these classes from an inline <script>, which our
// Content-Security-Policy would need a nonce for; this file runs at the end of <body>.
document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
