/* Behaviour shared by every page, attached by data attributes instead of inline handlers, so the
   Content-Security-Policy can forbid inline script (script-src 'self', settings.py). Listeners sit
   on the document, so rows swapped in by htmx behave the same as the page they arrive in.
     <select data-autosubmit>   submits its form when changed (year or region filters)
     <select data-navigate>     goes to the address in the chosen option's value
     <input type=file data-show-filename>  shows the chosen file's name in the next element */
(function () {
  "use strict";
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (!(el instanceof HTMLElement)) { return; }
    if (el.matches("select[data-autosubmit]") && el.form) {
      el.form.submit();
    } else if (el.matches("select[data-navigate]") && el.value) {
      window.location.href = el.value;
    } else if (el.matches("input[type=file][data-show-filename]") && el.nextElementSibling) {
      el.nextElementSibling.textContent = el.files && el.files.length ? el.files[0].name : "选择文件…";
    }
  });
})();
