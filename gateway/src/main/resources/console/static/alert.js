// An alert's acknowledgement progress: every 5 s the counts and the list of guardians still to
// call are read again from …/live and re-drawn in place.
'use strict';

document.addEventListener('DOMContentLoaded', function () {
  var root = document.getElementById('alert');
  if (!root || !window.shouhuLive) { return; }
  var el = window.shouhuEl;

  function render(a) {
    root.querySelectorAll('[data-field]').forEach(function (f) {
      var v = a[f.dataset.field];
      if (v !== undefined && v !== null && typeof v !== 'object') { f.textContent = v; }
    });
    var list = document.getElementById('waiting');
    list.replaceChildren();
    a.waiting.forEach(function (w) {
      var li = el('li', null, 'child');
      var name = el('span', w.children + ' ', 'name');
      name.appendChild(el('small', w.site, 'hint'));
      li.appendChild(name);
      if (w.phone) {
        var call = el('a', w.phone, 'call');
        call.href = w.tel;
        li.appendChild(call);
      } else {
        li.appendChild(el('span', '没有电话', 'hint'));
      }
      list.appendChild(li);
    });
    document.getElementById('none-waiting').hidden = a.waiting.length > 0;
    document.getElementById('elsewhere').hidden = !(a.elsewhere > 0);
  }

  window.shouhuLive(root.dataset.live, render, 5000);
});
