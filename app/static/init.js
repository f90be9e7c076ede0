// Runs first in <body>: tells GOV.UK Frontend's CSS that JavaScript is available.
// Kept as a file (not inline) so the Content-Security-Policy needs no 'unsafe-inline'.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
