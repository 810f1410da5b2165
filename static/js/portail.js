// Progressive enhancement only: every page works without this script.
// After a rejected form, move focus to the error summary so that screen readers announce it
// and keyboard users start from the list of errors (RGAA 11.10, 11.11). Done again after load:
// when the page URL carries a fragment (#contenu from the skip link), the browser moves focus
// to that target once the page is loaded.
function focaliserResumeErreurs() {
  const resume = document.getElementById("erreurs-resume");
  if (resume) {
    resume.focus();
  }
}
document.addEventListener("DOMContentLoaded", focaliserResumeErreurs);
window.addEventListener("load", () => setTimeout(focaliserResumeErreurs, 0));
