// The county dashboard: every 5 s the sites' day and the open escalations are read again from
// …/live and the tables re-drawn in place, without reloading the page.
'use strict';

document.addEventListener('DOMContentLoaded', function () {
  var root = document.getElementById('county');
  if (!root || !window.shouhuLive) { return; }
  var el = window.shouhuEl;

  function link(href, text) {
    var a = el('a', text);
    a.href = href;
    return a;
  }

  function render(day) {
    document.getElementById('updated').textContent = day.time;
    Object.keys(day.totals).forEach(function (k) {
      root.querySelectorAll('[data-total="' + k + '"]').forEach(function (b) { b.textContent = day.totals[k]; });
    });
    var esc = document.querySelector('#escalations tbody');
    esc.replaceChildren();
    day.escalations.forEach(function (e) {
      var tr = el('tr', null, 'escalation' + (e.red ? ' red' : ''));
      tr.dataset.id = e.id;
      tr.dataset.step = e.stepNo;
      var site = el('td');
      site.appendChild(link('/console/sites/' + e.siteSegment, e.siteName));
      tr.appendChild(site);
      tr.appendChild(el('td', e.rosterNo + ' ' + e.child));
      tr.appendChild(el('td', e.kind));
      tr.appendChild(el('td', e.step, 'step'));
      tr.appendChild(el('td', e.minutes, 'minutes'));
      esc.appendChild(tr);
    });
    document.getElementById('no-escalations').hidden = day.escalations.length > 0;
    var sites = document.querySelector('#sites tbody');
    sites.replaceChildren();
    day.sites.forEach(function (s) {
      var tr = el('tr');
      tr.dataset.site = s.code;
      var name = el('td');
      name.appendChild(link('/console/sites/' + s.segment, s.name));
      if (!s.open) { name.appendChild(el('small', ' 今天不开', 'hint')); }
      tr.appendChild(name);
      [s.expected, s.arrived, s.missing, s.absent, s.pickedUp, s.onSite, s.escalations].forEach(function (n) {
        tr.appendChild(el('td', n));
      });
      sites.appendChild(tr);
    });
  }

  window.shouhuLive(root.dataset.live, render, 5000);
});
