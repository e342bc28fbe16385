// The broadcast page: counts the WHOLE SMS a grandparent receives (signature and the notice's fixed
// words around the typed text) as carriers bill it, the way SmsLength does on the server (GSM-7: 160
// single, 153 a part; else UCS-2 UTF-16 units: 70 single, 67 a part), shows it as the phone will,
// and polls the progress of the site's latest broadcast every few seconds.
'use strict';

(function () {
  var GSM7 = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
      '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
  var GSM7_EXTENDED = '^{}\\[~]|€\f';
  // The notice as the SMS "通知 …" is read (CommandParser: Normalizer.spacedKeepingPunctuation, then the
  // separators after the command word skipped), so the count is of what is sent: lone surrogates
  // replaced, NFKC except punctuation, format characters dropped, blanks run together into one space.
  var PUNCTUATION = /[\p{Pc}\p{Pd}\p{Ps}\p{Pe}\p{Pi}\p{Pf}\p{Po}~～]/u;
  var BLANK = /[\p{Z}\p{Cc}]/u;
  var FORMAT = /\p{Cf}/u;
  var PROGRESS_WORDS = ['进度', '進度', 'TZJD'];
  var SEPARATOR = /[ ,，、:：;；\p{Pe}]/u;

  function typedNotice(typed) {
    var text = typed.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
    var kept = '';
    var run = '';
    Array.from(text).forEach(function (c) {
      if (PUNCTUATION.test(c)) { kept += run.normalize('NFKC') + c; run = ''; } else { run += c; }
    });
    kept += run.normalize('NFKC');
    var out = '';
    var spaceDue = false;
    Array.from(kept).forEach(function (c) {
      if (FORMAT.test(c)) { return; }
      if (BLANK.test(c)) { spaceDue = out.length > 0; return; }
      if (spaceDue) { out += ' '; spaceDue = false; }
      out += c;
    });
    var i = 0;
    while (i < out.length && SEPARATOR.test(out.charAt(i))) { i++; }
    var notice = out.substring(i);
    // only a progress word (通知进度, 通知 TZJD) asks for the progress: nothing is sent
    var word = notice.replace(/^[\s\p{P}~～]+|[\s\p{P}~～]+$/gu, '').toUpperCase();
    return PROGRESS_WORDS.indexOf(word) >= 0 ? '' : notice;
  }

  function isGsm7(text) {
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i);
      if (GSM7.indexOf(c) < 0 && GSM7_EXTENDED.indexOf(c) < 0) { return false; }
    }
    return true;
  }

  function units(text) {
    if (!isGsm7(text)) { return text.length; } // UTF-16 code units, as Java's length()
    var n = 0;
    for (var i = 0; i < text.length; i++) { n += GSM7_EXTENDED.indexOf(text.charAt(i)) >= 0 ? 2 : 1; }
    return n;
  }

  function segments(text) {
    var gsm = isGsm7(text);
    var u = units(text);
    var single = gsm ? 160 : 70;
    var part = gsm ? 153 : 67;
    return u <= single ? 1 : Math.ceil(u / part);
  }

  // the same words as BroadcastPage.counter
  function counter(whole, capacity) {
    var words = '整条短信' + units(whole) + '字，按' + segments(whole) + '条计费';
    return whole.length > capacity ? words + '，超出' + (whole.length - capacity) + '字，请删减' : words;
  }

  window.shouhuSms = { units: units, segments: segments, counter: counter, notice: typedNotice };

  document.addEventListener('DOMContentLoaded', function () {
    var root = document.getElementById('broadcast');
    if (!root) { return; }
    var capacity = Number(root.dataset.maxSegments) <= 1 ? 70 : 67 * Number(root.dataset.maxSegments);
    var input = document.getElementById('notice-text');
    var shown = document.getElementById('counter');
    var preview = document.getElementById('preview');

    function update() {
      var whole = root.dataset.before + typedNotice(input.value) + root.dataset.after;
      shown.textContent = counter(whole, capacity);
      shown.classList.toggle('over', whole.length > capacity);
      preview.textContent = whole;
    }
    if (input) {
      input.addEventListener('input', update);
      update();
    }

    var latest = document.getElementById('latest');
    function render(p) {
      document.getElementById('no-broadcast').hidden = p.any;
      latest.hidden = !p.any;
      if (!p.any) { return; }
      latest.querySelectorAll('[data-field]').forEach(function (f) {
        var v = p[f.dataset.field];
        if (v !== undefined && v !== null && typeof v !== 'object') { f.textContent = v; }
      });
    }
    if (window.shouhuLive) {
      window.shouhuLive(root.dataset.progress, render, 3000);
    }
  });
}());
