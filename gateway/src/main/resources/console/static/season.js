// The season view: reads the page's /console/season/data (the season day by day) and draws three
// uPlot charts as wide as the screen: attendance, escalations, and the share of guardians who
// acknowledged the day's alerts. The table under them has the same numbers without any script.
'use strict';

document.addEventListener('DOMContentLoaded', function () {
  var root = document.getElementById('season');
  if (!root || !window.uPlot) { return; }
  var plots = [];
  var HEIGHT = 200;

  function date(ts) {
    var d = new Date(ts * 1000);
    return (d.getUTCMonth() + 1) + '月' + d.getUTCDate() + '日';
  }

  function line(label, color, dash) {
    return { label: label, stroke: color, width: 2, dash: dash || [], points: { show: true, size: 5 } };
  }

  function box(name) {
    return root.querySelector('[data-chart="' + name + '"]');
  }

  function draw(name, series, data, yMax) {
    var el = box(name);
    var opts = {
      width: Math.max(el.clientWidth, 200),
      height: HEIGHT,
      // the days are dates: drawn at midnight UTC and labelled in UTC, so no zone moves them
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); },
      scales: {
        x: { time: true },
        y: { range: function (u, min, max) { return [0, yMax || Math.max(4, Math.ceil((max || 0) * 1.1))]; } }
      },
      axes: [
        { incrs: [86400, 2 * 86400, 7 * 86400, 14 * 86400, 28 * 86400], space: 44,
          values: function (u, splits) { return splits.map(function (ts) { return date(ts).replace('月', '/').replace('日', ''); }); } },
        { size: 40 }
      ],
      series: [{ label: '日期', value: function (u, ts) { return ts == null ? '' : date(ts); } }].concat(series)
    };
    plots.push({ el: el, plot: new uPlot(opts, data, el) });
  }

  function render(season) {
    var s = season.series;
    var xs = season.days.map(function (d) { return Date.parse(d + 'T00:00:00Z') / 1000; });
    draw('attendance', [line('应到', '#555', [4, 4]), line('已到', '#0a5'), line('请假', '#e80')],
      [xs, s.expected, s.arrived, s.absent]);
    draw('escalations', [line('未到', '#e80'), line('逾期未接', '#a5c'), line('到队长', '#36c', [4, 3]), line('到协调员', '#c22')],
      [xs, s.noShows, s.latePickups, s.reachedCaptain, s.reachedCoordinator]);
    var rate = line('确认率', '#0a5');
    rate.spanGaps = true; // a day without an alert has no rate: join the days that had one
    rate.value = function (u, v) { return v == null ? '—' : Math.round(v) + '%'; };
    draw('acknowledgements', [rate],
      [xs, s.ackRate.map(function (r) { return r == null ? null : Math.round(r * 1000) / 10; })], 100);
    root.dataset.drawn = 'true';
  }

  window.addEventListener('resize', function () {
    plots.forEach(function (p) { p.plot.setSize({ width: Math.max(p.el.clientWidth, 200), height: HEIGHT }); });
  });

  fetch(root.dataset.src, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (season) {
      if (season) { render(season); } else { document.getElementById('season-failed').hidden = false; }
    })
    .catch(function () { document.getElementById('season-failed').hidden = false; });
});
