// Delivery health: every 5 s the lanes, the errors of the last hour and the dead letters are read
// again from /console/health/live and re-drawn in place; the banner turns red when something needs a look.
'use strict';

document.addEventListener('DOMContentLoaded', function () {
  var root = document.getElementById('health');
  if (!root || !window.shouhuLive) { return; }
  var el = window.shouhuEl;

  function row(cells, cls) {
    var tr = el('tr', null, cls);
    cells.forEach(function (c) {
      var td = Array.isArray(c) ? el('td', c[0], c[1]) : el('td', c);
      tr.appendChild(td);
    });
    return tr;
  }

  function render(h) {
    document.getElementById('updated').textContent = h.time;
    var status = document.getElementById('status');
    status.className = h.red ? 'error' : 'flash';
    document.getElementById('ok').hidden = h.red;
    var problems = document.getElementById('problems');
    problems.replaceChildren();
    h.problems.forEach(function (p) { problems.appendChild(el('li', p)); });
    document.getElementById('delayed').textContent = h.delayed;

    h.channels.forEach(function (c) {
      var section = root.querySelector('section[data-channel="' + c.channel + '"]');
      if (!section) { return; }
      section.querySelector('[data-field=rateText]').textContent = c.rateText;
      var body = section.querySelector('tbody');
      body.replaceChildren();
      c.lanes.forEach(function (l) {
        var tr = row([l.label, [l.queued, 'queued'], [l.inFlight, 'in-flight'], [l.finish, 'finish']], l.red ? 'red' : null);
        tr.dataset.lane = l.lane;
        body.appendChild(tr);
      });
    });

    var errors = document.querySelector('#errors tbody');
    errors.replaceChildren();
    h.errors.forEach(function (e) { errors.appendChild(row([e.channelLabel, e.outcomeLabel, e.error, e.count])); });
    document.getElementById('no-errors').hidden = h.errors.length > 0;

    document.getElementById('dead-count').textContent = h.deadLetters.count;
    var dead = document.getElementById('dead-letters');
    dead.replaceChildren();
    h.deadLetters.latest.forEach(function (d) {
      var li = el('li', null, 'child dead-letter');
      li.appendChild(el('span', d.at + ' · ' + d.lane + ' · ' + d.to, 'name'));
      li.appendChild(el('small', d.reason + '（' + d.deliveries + '次）', 'hint'));
      dead.appendChild(li);
    });
  }

  window.shouhuLive(root.dataset.live, render, 5000);
});
