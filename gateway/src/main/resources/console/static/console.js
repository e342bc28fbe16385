// The console's only script (no inline scripts: the pages' CSP allows none). Each part starts only
// on the page that has its element, so one small file serves every page.
'use strict';

document.addEventListener('DOMContentLoaded', function () {
  var print = document.getElementById('print');
  if (print) {
    print.addEventListener('click', function () { window.print(); });
  }
  // a form is sent once: a second tap while the page loads would post it again
  document.querySelectorAll('form[method=post]').forEach(function (form) {
    form.addEventListener('submit', function () {
      form.querySelectorAll('button[type=submit]').forEach(function (b) { b.disabled = true; });
    });
  });
});
