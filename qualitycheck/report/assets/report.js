/* Review page logic for report.html, inlined by qualitycheck/report/html.py.
 *
 * Rule for this file: document text and metadata are hostile. They reach the screen only through
 * textContent / createTextNode / element attributes set with setAttribute on non-URL attributes;
 * nothing from the data is ever assigned to innerHTML, used as a URL, or evaluated.
 */
(function () {
  'use strict';

  var INDEX = JSON.parse(document.getElementById('qc-index').textContent);
  var DOCS = INDEX.docs;            // compact rows, in documents.jsonl order
  var LABELS = INDEX.labels.slice();
  DOCS.forEach(function (row) {
    Object.keys(row.labels || {}).forEach(function (label) {
      if (LABELS.indexOf(label) < 0) LABELS.push(label);
    });
  });
  var VERDICT_ORDER = { drop: 0, review: 1, keep: 2 };
  // v2: decisions keyed by record number (ids need not be unique); v1 keyed them by id.
  var STORE_KEY = 'qualitycheck.decisions.v2:' + INDEX.run_key;
  var OLD_STORE_KEY = 'qualitycheck.decisions.v1:' + INDEX.run_key;

  // ---------------------------------------------------------------- small DOM helpers
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) return;
        if (key === 'text') node.textContent = String(value);
        else if (key === 'className') node.className = value;
        else if (key === 'onclick') node.addEventListener('click', value);
        else node.setAttribute(key, value === true ? '' : String(value));
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }
  function $(id) { return document.getElementById(id); }
  function str(value) { return value === null || value === undefined ? '' : String(value); }
  function num(value) { return typeof value === 'number' && isFinite(value) ? value : null; }
  function fmt(value, digits) {
    var n = num(value);
    return n === null ? '–' : n.toFixed(digits === undefined ? 3 : digits);
  }
  function say(message) { $('status').textContent = message; }
  function labelClass(label) { return LABELS.indexOf(label) >= 0 ? String(label).replace(/[^a-z_]/g, '') : 'other'; }

  // ---------------------------------------------------------------- decisions (browser storage)
  // Keys come from the data: a plain object would take "__proto__" as its prototype, not as a key.
  var decisions = Object.create(null);
  function rowKey(row) { return row.n !== undefined ? String(row.n) : 'id:' + str(row.id); }
  function copyEntries(from, keyOf) {
    if (!from || typeof from !== 'object') return;
    Object.keys(from).forEach(function (key) {
      var entry = from[key];
      if (entry && (entry.decision === 'keep' || entry.decision === 'drop')) keyOf(key).forEach(function (k) { decisions[k] = entry; });
    });
  }
  var storageOk = true;
  try {
    var stored = window.localStorage.getItem(STORE_KEY);
    if (stored) copyEntries(JSON.parse(stored), function (key) { return [key]; });
    else {
      var old = window.localStorage.getItem(OLD_STORE_KEY);
      if (old) copyEntries(JSON.parse(old), function (id) {
        return DOCS.filter(function (row) { return row.id === id; }).map(rowKey);
      });
    }
  } catch (err) {
    storageOk = false;  // file:// storage can be disabled; decisions then live until the tab closes
  }
  function saveDecisions() {
    if (!storageOk) return;
    try { window.localStorage.setItem(STORE_KEY, JSON.stringify(decisions)); } catch (err) { storageOk = false; }
  }
  function decisionOf(row) {
    var entry = decisions[rowKey(row)];
    return entry && (entry.decision === 'keep' || entry.decision === 'drop') ? entry.decision : null;
  }
  function setDecision(pos, decision) {
    var row = DOCS[pos];
    if (decision) decisions[rowKey(row)] = { decision: decision, decided: new Date().toISOString() };
    else delete decisions[rowKey(row)];
    saveDecisions();
    updateDecisionCounts();
    say(decision ? 'Marked ' + row.id + ' ' + decision : 'Cleared decision for ' + row.id);
  }
  function updateDecisionCounts() {
    var keep = 0, drop = 0;
    DOCS.forEach(function (row) {
      var d = decisionOf(row);
      if (d === 'keep') keep++; else if (d === 'drop') drop++;
    });
    $('decision-counts').textContent = (keep + drop) ?
      'decisions: ' + keep + ' keep, ' + drop + ' drop' + (storageOk ? '' : ' (not saved: browser storage unavailable)') :
      'no decisions yet';
  }
  function decidedRows() {
    return DOCS.filter(function (row) { return decisionOf(row); }).map(function (row) {
      return { id: row.id, record: row.n, decision: decisionOf(row), verdict: row.verdict, path: row.path,
               decided: decisions[rowKey(row)].decided || null };
    });
  }
  function csvField(value) {
    var text = str(value);
    // A leading = + - @ makes spreadsheets run the cell as a formula; paths are informative only,
    // so they get a quote prefix. Ids are written unchanged: apply-decisions matches on them.
    return '"' + text.replace(/"/g, '""') + '"';
  }
  function safePath(value) {
    var text = str(value);
    return /^[=+\-@\t\r]/.test(text) ? "'" + text : text;
  }
  function download(name, type, text) {
    var blob = new Blob([text], { type: type });
    var url = URL.createObjectURL(blob);
    var link = el('a', { href: url, download: name });
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }
  function exportDecisions(kind) {
    var rows = decidedRows();
    if (!rows.length) { say('No decisions to export yet.'); return; }
    var base = 'decisions-' + INDEX.run_key;
    if (kind === 'json') {
      download(base + '.json', 'application/json', JSON.stringify({
        schema: 1, kind: 'qualitycheck-decisions', run_key: INDEX.run_key, input: INDEX.input,
        exported: new Date().toISOString(), decisions: rows
      }, null, 1) + '\n');
    } else {
      var lines = ['id,decision,verdict,path,decided,record'];
      rows.forEach(function (r) {
        lines.push([csvField(r.id), csvField(r.decision), csvField(r.verdict), csvField(safePath(r.path)),
                    csvField(r.decided), csvField(r.record)].join(','));
      });
      download(base + '.csv', 'text/csv', lines.join('\r\n') + '\r\n');
    }
    say('Exported ' + rows.length + ' decision(s) as ' + kind.toUpperCase() + '.');
  }

  // ---------------------------------------------------------------- list state, filter, sort
  var state = { sort: 'order', dir: 1, page: 0, pageSize: 100, current: null, tab: 'annotated' };
  var view = [];  // positions into DOCS after filtering and sorting

  var COLUMNS = [
    { key: 'order', title: '#', num: true },
    { key: 'decision', title: 'Decision' },
    { key: 'id', title: 'Id' },
    { key: 'path', title: 'Path' },
    { key: 'language', title: 'Lang' },
    { key: 'score', title: 'Score', num: true },
    { key: 'verdict', title: 'Verdict' }
  ].concat(LABELS.map(function (label) { return { key: 'label:' + label, title: label, num: true, label: label }; }))
   .concat([{ key: 'paragraphs', title: 'Paras', num: true }]);

  function sortValue(pos, key) {
    var row = DOCS[pos];
    if (key === 'order') return pos;
    if (key === 'score') return num(row.score) === null ? -1 : row.score;
    if (key === 'verdict') return Object.prototype.hasOwnProperty.call(VERDICT_ORDER, row.verdict) ? VERDICT_ORDER[row.verdict] : 3;
    if (key === 'decision') { var d = decisionOf(row); return d === 'drop' ? 0 : d === 'keep' ? 1 : 2; }
    if (key === 'paragraphs') return row.paragraphs || 0;
    if (key.indexOf('label:') === 0) return (row.labels || {})[key.slice(6)] || 0;
    return str(row[key]).toLowerCase();
  }

  function filters() {
    return {
      q: $('f-search').value.trim().toLowerCase(),
      verdict: $('f-verdict').value,
      label: $('f-label').value,
      language: $('f-language').value,
      decision: $('f-decision').value,
      scoreMin: parseFloat($('f-score-min').value),
      scoreMax: parseFloat($('f-score-max').value)
    };
  }

  function matches(row, f) {
    if (f.verdict && str(row.verdict || '(none)') !== f.verdict) return false;
    if (f.language && str(row.language || '(none)') !== f.language) return false;
    if (f.label) {
      var labels = row.labels || {};
      var any = Object.keys(labels).some(function (k) { return labels[k] > 0; });
      if (f.label === '__spun_doc' ? !row.spun : f.label === '__flagged' ? !any : f.label === '__none' ? any :
          !(labels[f.label] > 0)) return false;
    }
    if (f.decision) {
      var d = decisionOf(row);
      if (f.decision === '__none' ? d : d !== f.decision) return false;
    }
    if (!isNaN(f.scoreMin) || !isNaN(f.scoreMax)) {
      var score = num(row.score);
      if (score === null) return false;
      if (!isNaN(f.scoreMin) && score < f.scoreMin) return false;
      if (!isNaN(f.scoreMax) && score >= f.scoreMax) return false;
    }
    if (f.q && str(row.id).toLowerCase().indexOf(f.q) < 0 && str(row.path).toLowerCase().indexOf(f.q) < 0) return false;
    return true;
  }

  function recompute() {
    var f = filters();
    view = [];
    for (var i = 0; i < DOCS.length; i++) if (matches(DOCS[i], f)) view.push(i);
    var key = state.sort, dir = state.dir;
    if (key !== 'order' || dir !== 1) {
      var values = {};
      view.forEach(function (pos) { values[pos] = sortValue(pos, key); });
      view.sort(function (a, b) {
        var va = values[a], vb = values[b];
        if (va < vb) return -dir;
        if (va > vb) return dir;
        return a - b;  // stable: ties keep file order
      });
    }
    var pages = Math.max(1, Math.ceil(view.length / state.pageSize));
    if (state.page >= pages) state.page = pages - 1;
  }

  function renderHead() {
    var head = $('docs-head');
    head.textContent = '';
    COLUMNS.forEach(function (col) {
      var sorted = state.sort === col.key;
      var th = el('th', { scope: 'col', 'aria-sort': sorted ? (state.dir === 1 ? 'ascending' : 'descending') : 'none',
                          className: col.num ? 'num' : col.key === 'path' ? 'path' : null });
      th.appendChild(el('button', { type: 'button', 'data-sort': col.key, title: 'Sort by ' + col.title,
        text: col.title + (sorted ? (state.dir === 1 ? ' ▲' : ' ▼') : ''),
        onclick: function () {
          if (state.sort === col.key) state.dir = -state.dir;
          // First click: score ascending (worst first), other counts descending, text ascending.
          else { state.sort = col.key; state.dir = col.num && col.key !== 'order' && col.key !== 'score' ? -1 : 1; }
          state.page = 0;
          refreshList(true);
          // Found by attribute value, not a selector: a label name may hold quotes.
          var again = Array.prototype.filter.call(document.querySelectorAll('button[data-sort]'), function (b) {
            return b.getAttribute('data-sort') === col.key;
          })[0];
          if (again) again.focus();
        } }));
      head.appendChild(th);
    });
  }

  function verdictBadge(verdict) {
    var v = str(verdict || '(none)');
    return el('span', { className: 'verdict ' + (VERDICT_ORDER.hasOwnProperty(v) ? v : 'other'), text: v });
  }

  function renderRows() {
    var body = $('docs-body');
    body.textContent = '';
    var start = state.page * state.pageSize;
    var end = Math.min(view.length, start + state.pageSize);
    var fragment = document.createDocumentFragment();
    for (var i = start; i < end; i++) {
      var pos = view[i], row = DOCS[pos];
      var decision = decisionOf(row);
      var tr = el('tr', { 'data-pos': pos, className: pos === state.current ? 'current' : null });
      tr.appendChild(el('td', { className: 'num', text: pos + 1 }));
      tr.appendChild(el('td', {}, [decision ? el('span', { className: 'dec ' + decision, text: decision }) : '']));
      tr.appendChild(el('td', {}, [el('button', { type: 'button', className: 'idbtn', 'data-open': pos,
        text: row.id, title: 'Open document' })].concat(row.error ? [' ', el('span', { className: 'tag', text: 'error' })] : [])));
      tr.appendChild(el('td', { className: 'path', text: str(row.path) }));
      tr.appendChild(el('td', { text: str(row.language || '–') }));
      tr.appendChild(el('td', { className: 'num', text: fmt(row.score) }));
      tr.appendChild(el('td', {}, [verdictBadge(row.verdict)]));
      LABELS.forEach(function (label) {
        var count = (row.labels || {})[label] || 0;
        tr.appendChild(el('td', { className: 'num' + (count ? '' : ' zero'), 'data-label': label, text: count }));
      });
      tr.appendChild(el('td', { className: 'num', text: row.paragraphs || 0 }));
      fragment.appendChild(tr);
    }
    body.appendChild(fragment);
    if (!view.length) {
      body.appendChild(el('tr', {}, [el('td', { colspan: COLUMNS.length, className: 'muted',
        text: DOCS.length ? 'No document matches the filters.' : 'This run has no documents.' })]));
    }
    $('page-info').textContent = view.length ?
      'Showing ' + (start + 1) + '–' + end + ' of ' + view.length + (view.length !== DOCS.length ? ' (filtered from ' + DOCS.length + ')' : '') :
      '0 documents';
    $('page-prev').disabled = state.page === 0;
    $('page-next').disabled = end >= view.length;
  }

  // The header is rebuilt only when the sort changes, so filtering never replaces the sort
  // buttons under the reviewer's focus.
  function refreshList(sortChanged) {
    recompute();
    if (sortChanged || !$('docs-head').childNodes.length) renderHead();
    renderRows();
  }

  function clearFilters() {
    ['f-search', 'f-verdict', 'f-label', 'f-language', 'f-decision', 'f-score-min', 'f-score-max'].forEach(function (id) {
      $(id).value = '';
    });
  }

  function fillSelect(select, values) {
    values.forEach(function (v) { select.appendChild(el('option', { value: v[0], text: v[1] })); });
  }

  function setupList() {
    // Every verdict is offered, with its count, so the overview's "drop 0" filters to nothing.
    var verdicts = { keep: 0, review: 0, drop: 0 }, languages = {};
    DOCS.forEach(function (row) {
      var v = str(row.verdict || '(none)'); verdicts[v] = (verdicts[v] || 0) + 1;
      var l = str(row.language || '(none)'); languages[l] = (languages[l] || 0) + 1;
    });
    fillSelect($('f-verdict'), Object.keys(verdicts).sort(function (a, b) {
      return (VERDICT_ORDER.hasOwnProperty(b) ? VERDICT_ORDER[b] : -1) - (VERDICT_ORDER.hasOwnProperty(a) ? VERDICT_ORDER[a] : -1);
    }).map(function (v) { return [v, v + ' (' + verdicts[v] + ')']; }));
    fillSelect($('f-label'), LABELS.map(function (l) { return [l, l]; }).concat([['__spun_doc', 'document flagged spun']]));
    fillSelect($('f-language'), Object.keys(languages).sort(function (a, b) { return languages[b] - languages[a] || (a < b ? -1 : 1); })
      .map(function (l) { return [l, l + ' (' + languages[l] + ')']; }));
    ['f-verdict', 'f-label', 'f-language', 'f-decision', 'f-score-min', 'f-score-max'].forEach(function (id) {
      $(id).addEventListener('change', function () { state.page = 0; refreshList(); });
    });
    // A histogram bar fills the score range; the last bin includes 1.0, as in the Python binning.
    var bins = document.querySelectorAll('.hist .bin-target');
    Array.prototype.forEach.call(bins, function (target) {
      function pick() {
        var bin = parseInt(target.getAttribute('data-bin'), 10);
        $('f-score-min').value = (bin / bins.length).toFixed(2);
        $('f-score-max').value = bin === bins.length - 1 ? '1.01' : ((bin + 1) / bins.length).toFixed(2);
        state.page = 0; refreshList();
        $('docs-heading').scrollIntoView();
      }
      target.addEventListener('click', pick);
      target.addEventListener('keydown', function (event) {
        if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); pick(); }
      });
    });
    var searchTimer = null;
    function searchChanged() {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(function () { state.page = 0; refreshList(); }, 120);
    }
    // Typing fires input; a box emptied by script, WebDriver or the clear button may fire only change or search.
    ['input', 'change', 'search'].forEach(function (type) { $('f-search').addEventListener(type, searchChanged); });
    $('f-pagesize').addEventListener('change', function () {
      state.pageSize = parseInt($('f-pagesize').value, 10) || 100; state.page = 0; refreshList();
    });
    $('page-prev').addEventListener('click', function () {
      if (state.page > 0) { state.page--; renderRows(); }
      if ($('page-prev').disabled) $('page-next').focus();   // a disabled button drops the focus to the page
    });
    $('page-next').addEventListener('click', function () {
      if ((state.page + 1) * state.pageSize < view.length) { state.page++; renderRows(); }
      if ($('page-next').disabled) $('page-prev').focus();
    });
    $('docs-body').addEventListener('click', function (event) {
      var target = event.target.closest('[data-open]');
      if (target) openDocument(parseInt(target.getAttribute('data-open'), 10));
    });
    // Overview counts double as filters.
    Array.prototype.forEach.call(document.querySelectorAll('[data-filter-verdict],[data-filter-label]'), function (button) {
      button.addEventListener('click', function () {
        var verdict = button.getAttribute('data-filter-verdict');
        var label = button.getAttribute('data-filter-label');
        clearFilters();   // the link names a set of documents: show that set, not its overlap with old filters
        if (verdict !== null) $('f-verdict').value = verdict;
        if (label !== null) $('f-label').value = label;
        state.page = 0; refreshList();
        $('docs-heading').scrollIntoView();
      });
    });
    $('export-csv').addEventListener('click', function () { exportDecisions('csv'); });
    $('export-json').addEventListener('click', function () { exportDecisions('json'); });
    $('clear-decisions').addEventListener('click', function () {
      if (!Object.keys(decisions).length) return;
      if (window.confirm('Forget all decisions for this run?')) {
        decisions = Object.create(null); saveDecisions(); updateDecisionCounts(); refreshList();
      }
    });
  }

  // ---------------------------------------------------------------- full records, on demand
  var CHUNK = INDEX.chunk || 500;
  var chunkLines = {};   // block number -> its lines, once read
  var detailCache = {};
  function detail(pos) {
    if (detailCache.hasOwnProperty(pos)) return detailCache[pos];
    var number = Math.floor(pos / CHUNK);
    if (!chunkLines.hasOwnProperty(number)) {
      // While the parser is still inside a (large) block, the element exists with only part of
      // its text; wait for DOMContentLoaded rather than split a truncated copy.
      if (document.readyState === 'loading') return undefined;
      var block = $('qc-docs-' + number);
      if (!block) return { error: 'document data missing from the page' };
      chunkLines[number] = block.textContent.split('\n');
      block.remove();  // keep one copy of the text (in JS), not a second one in the DOM
    }
    var record;
    try { record = JSON.parse(chunkLines[number][pos - number * CHUNK] || '{}'); } catch (err) { record = { error: 'record could not be parsed' }; }
    detailCache[pos] = record;
    return record;
  }

  // Python offsets count code points; JS strings count UTF-16 units. Split on code points.
  function codePoints(text) { return Array.from(text); }

  function spunSegments(text, spans) {
    var chars = codePoints(text);
    var clean = (Array.isArray(spans) ? spans : []).filter(function (s) {
      return s && num(s.start) !== null && num(s.end) !== null && s.end > s.start && s.start >= 0 && s.end <= chars.length;
    }).sort(function (a, b) { return a.start - b.start; });
    var out = [], at = 0;
    clean.forEach(function (span) {
      if (span.start < at) return;  // overlapping span: keep the first
      if (span.start > at) out.push({ text: chars.slice(at, span.start).join('') });
      out.push({ text: chars.slice(span.start, span.end).join(''), span: span });
      at = span.end;
    });
    if (at < chars.length) out.push({ text: chars.slice(at).join('') });
    return out;
  }

  function evidenceItems(evidence) {
    return (Array.isArray(evidence) ? evidence : []).filter(function (e) { return e && typeof e === 'object'; });
  }

  function evidenceText(e) {
    var parts = [str(e.label || '?') + ' · ' + str(e.rule || 'rule?')];
    if (e.detail !== undefined && e.detail !== null && e.detail !== '') parts.push(str(e.detail));
    if (num(e.score) !== null) parts.push('score ' + fmt(e.score));
    return parts.join(' — ');
  }

  function paraLabels(p) {
    var labels = Array.isArray(p.labels) ? p.labels.map(str) : [];
    evidenceItems(p.evidence).forEach(function (e) { if (e.label && labels.indexOf(str(e.label)) < 0) labels.push(str(e.label)); });
    return labels;
  }

  function renderParagraph(p, i) {
    var index = num(p.index) === null ? i : p.index;
    var labels = paraLabels(p);
    var classes = ['para'].concat(labels.length ? ['flagged'] : []).concat(labels.map(function (l) { return 'lab-' + labelClass(l); }));
    var popId = 'evi-' + i;
    var suspect = !labels.length && Array.isArray(p.spun_spans) && p.spun_spans.length > 0;
    if (suspect) classes.push('suspect');
    var box = el('div', { className: classes.join(' '), id: 'para-' + i, tabindex: labels.length || suspect ? 0 : -1,
      'data-index': index, 'data-labels': labels.join(' '), 'aria-describedby': labels.length ? popId : null });
    var head = el('div', { className: 'phead' }, [el('span', { text: '¶' + index })]);
    labels.forEach(function (l) { head.appendChild(el('span', { className: 'tag ' + labelClass(l), text: '[' + l + ']' })); });
    if (p.language) {
      head.appendChild(el('span', { className: 'lang', title: 'detected language (confidence)',
        text: str(p.language) + (num(p.language_confidence) !== null ? ' ' + fmt(p.language_confidence, 2) : '') }));
    } else {
      head.appendChild(el('span', { className: 'lang', title: 'no language detected', text: '–' }));
    }
    if (num(p.spun_score) !== null) head.appendChild(el('span', { text: 'spun score ' + fmt(p.spun_score) }));
    if (num(p.perplexity) !== null) head.appendChild(el('span', { text: 'perplexity ' + fmt(p.perplexity, 1) }));
    box.appendChild(head);

    var textNode = el('p', { className: 'ptext' });
    spunSegments(str(p.text), p.spun_spans).forEach(function (seg) {
      if (!seg.span) { textNode.appendChild(document.createTextNode(seg.text)); return; }
      var s = seg.span;
      var tip = (s.weak ? 'weak evidence (below the span threshold)' : 'suspicious word') + (num(s.score) !== null ? ', score ' + fmt(s.score) : '') +
                (s.original ? ', original: ' + str(s.original) : '') + (s.rule ? ', rule: ' + str(s.rule) : '');
      textNode.appendChild(el('mark', { className: 'spun-word' + (s.weak ? ' weak' : ''), title: tip, 'data-score': num(s.score), text: seg.text }));
    });
    box.appendChild(textNode);

    if (labels.length) {
      var list = el('ul');
      evidenceItems(p.evidence).forEach(function (e) { list.appendChild(el('li', { text: evidenceText(e) })); });
      var spans = Array.isArray(p.spun_spans) ? p.spun_spans : [];
      if (spans.length) {
        list.appendChild(el('li', { text: (spans.every(function (s) { return s && s.weak; }) ? 'weak evidence: ' : 'suspicious words: ') + spans.map(function (s) {
          return str(s && s.word) + (s && s.original ? ' (for ' + str(s.original) + ')' : '');
        }).join(', ') }));
      }
      if (!list.childNodes.length) list.appendChild(el('li', { text: 'labels without recorded evidence' }));
      box.appendChild(el('div', { className: 'evidence-pop', id: popId, role: 'tooltip' }, [list]));
    }
    return box;
  }

  function metaRow(list, name, value) {
    if (value === null || value === undefined || value === '') return;
    list.appendChild(el('dt', { text: name }));
    list.appendChild(el('dd', { text: typeof value === 'object' ? JSON.stringify(value, null, 1) : str(value) }));
  }

  function renderDocument(pos) {
    var row = DOCS[pos];
    var record = detail(pos);
    var pane = $('docview');
    pane.textContent = '';
    if (record === undefined) {
      pane.appendChild(el('p', { text: 'Loading document data…' }));
      document.addEventListener('DOMContentLoaded', function () { if (state.current === pos) renderDocument(pos); }, { once: true });
      return;
    }
    var at = view.indexOf(pos);
    var nav = el('div', { className: 'dochead' }, [
      el('button', { type: 'button', id: 'back', text: '← List (Esc)', onclick: closeDocument }),
      el('button', { type: 'button', id: 'doc-prev', text: '‹ Previous (p)', onclick: function () { step(-1); }, disabled: at <= 0 }),
      el('button', { type: 'button', id: 'doc-next', text: 'Next (n) ›', onclick: function () { step(1); }, disabled: at < 0 || at >= view.length - 1 }),
      el('span', { className: 'muted', id: 'doc-position', text: at >= 0 ? 'document ' + (at + 1) + ' of ' + view.length + ' in the list' : 'not in the filtered list' })
    ]);
    pane.appendChild(nav);
    var title = el('h2', { id: 'doc-title', tabindex: -1, text: row.id });
    var decision = decisionOf(row);
    var decide = el('div', { className: 'dochead', role: 'group', 'aria-label': 'Reviewer decision' }, [
      el('span', {}, row.reviewed ?
        ['verdict ', verdictBadge(row.verdict), ' (applied reviewer decision; scanner said ' + str(row.model_verdict || '–') + ') score ' + fmt(row.score)] :
        ['model verdict ', verdictBadge(row.verdict), ' score ' + fmt(row.score) +
         (row.spun ? ' (document flagged spun: its verdict is the spun_verdict setting, whatever the score)' : '')]),
      el('button', { type: 'button', id: 'decide-keep', 'aria-pressed': decision === 'keep' ? 'true' : 'false', text: 'Keep (a)', onclick: function () { decideCurrent('keep'); } }),
      el('button', { type: 'button', id: 'decide-drop', 'aria-pressed': decision === 'drop' ? 'true' : 'false', text: 'Drop (d)', onclick: function () { decideCurrent('drop'); } }),
      el('button', { type: 'button', id: 'decide-clear', text: 'Clear (u)', onclick: function () { decideCurrent(null); } })
    ]);
    pane.appendChild(el('div', { className: 'dochead' }, [title]));
    pane.appendChild(decide);

    var meta = el('dl', { className: 'docmeta' });
    metaRow(meta, 'path', row.path);
    metaRow(meta, 'language', row.language ? str(row.language) + (num(record.language_confidence) !== null ? ' (' + fmt(record.language_confidence, 2) + ')' : '') : null);
    var labels = row.labels || {};
    metaRow(meta, 'labels', Object.keys(labels).filter(function (k) { return labels[k] > 0; })
      .map(function (k) { return k + ' ×' + labels[k]; }).join(', ') || 'none');
    var spun = record.spun && typeof record.spun === 'object' ? record.spun : {};
    if (spun.flag || num(spun.score) !== null) {
      metaRow(meta, 'spun', (spun.flag ? 'yes' : 'no') + ', document spun score ' + fmt(spun.score) +
        (evidenceItems(spun.evidence).length ? '; phrases: ' + evidenceItems(spun.evidence).map(function (e) {
          // Spin evidence names the text `phrase` (schema) or `word` (span-shaped entries).
          return str(e.phrase !== undefined && e.phrase !== null ? e.phrase : e.word) +
            (e.original ? ' (for ' + str(e.original) + ')' : '') + (num(e.score) !== null ? ' ' + fmt(e.score) : '') +
            (num(e.paragraph) !== null ? ' ¶' + e.paragraph : '') + (e.rule ? ' [' + str(e.rule) + ']' : '');
        }).join('; ') : ''));
    }
    metaRow(meta, 'error', record.error);
    metaRow(meta, 'encoding', record.encoding);
    metaRow(meta, 'notes', Array.isArray(record.notes) && record.notes.length ? record.notes.map(str).join('\n') : null);
    metaRow(meta, 'content hash', record.content_hash);
    if (record.metadata && typeof record.metadata === 'object') {
      Object.keys(record.metadata).forEach(function (key) { metaRow(meta, 'metadata.' + key, record.metadata[key]); });
    }
    pane.appendChild(meta);

    var tabs = el('div', { className: 'tabs', role: 'tablist', 'aria-label': 'Document text' }, [
      el('button', { type: 'button', role: 'tab', id: 'tab-annotated', 'aria-controls': 'panel-annotated',
        'aria-selected': state.tab === 'annotated' ? 'true' : 'false', text: 'Annotated text', onclick: function () { showTab('annotated'); } }),
      el('button', { type: 'button', role: 'tab', id: 'tab-clean', 'aria-controls': 'panel-clean',
        'aria-selected': state.tab === 'clean' ? 'true' : 'false', text: 'Cleaned text', onclick: function () { showTab('clean'); } })
    ]);
    pane.appendChild(tabs);

    var paragraphs = Array.isArray(record.paragraphs) ? record.paragraphs.filter(function (p) { return p && typeof p === 'object'; }) : [];
    var textCol = el('div', { className: 'doctext' });
    var side = el('aside', { className: 'side', 'aria-label': 'Flags and evidence' }, [el('h3', { text: 'Flags and evidence' })]);
    var flaggedCount = 0;
    paragraphs.forEach(function (p, i) {
      textCol.appendChild(renderParagraph(p, i));
      var labelsHere = paraLabels(p);
      if (!labelsHere.length) {
        var words = Array.isArray(p.spun_spans) ? p.spun_spans.filter(Boolean) : [];
        if (words.length) {   // marked words in a paragraph left unlabelled: say so, and why they are shown
          side.appendChild(el('div', { className: 'evi suspect', 'data-for': i }, [
            el('button', { type: 'button', className: 'jump', text: '¶' + (num(p.index) === null ? i : p.index),
              onclick: function () { focusParagraph($('para-' + i)); } }),
            ' not labelled; suspicious words: ' + words.map(function (s) {
              return '“' + str(s.word) + '”' + (s.original ? ' for “' + str(s.original) + '”' : '') +
                (num(s.score) !== null ? ' ' + fmt(s.score) : '');
            }).join(', ') + (num(p.spun_score) !== null ? ' (paragraph spun score ' + fmt(p.spun_score) + ')' : '')
          ]));
        }
        return;
      }
      flaggedCount++;
      var item = el('div', { className: 'evi', 'data-for': i }, [
        el('button', { type: 'button', className: 'jump', text: '¶' + (num(p.index) === null ? i : p.index),
          onclick: function () { focusParagraph($('para-' + i)); } }),
        ' '
      ].concat(labelsHere.map(function (l) { return el('span', { className: 'tag ' + labelClass(l), text: '[' + l + ']' }); })));
      var list = el('ul');
      evidenceItems(p.evidence).forEach(function (e) { list.appendChild(el('li', { text: evidenceText(e) })); });
      (Array.isArray(p.spun_spans) ? p.spun_spans : []).forEach(function (s) {
        if (s) list.appendChild(el('li', { text: 'word “' + str(s.word) + '”' + (s.original ? ' for “' + str(s.original) + '”' : '') +
          (num(s.score) !== null ? ', score ' + fmt(s.score) : '') + (s.rule ? ' (' + str(s.rule) + ')' : '') + (s.weak ? ' (weak)' : '') }));
      });
      item.appendChild(list);
      side.appendChild(item);
    });
    if (!paragraphs.length) textCol.appendChild(el('p', { className: 'muted', text: record.error ? 'No text: the document could not be read.' : 'No paragraphs.' }));
    if (!flaggedCount) side.appendChild(el('p', { className: 'muted', text: 'No flagged paragraphs.' }));
    var annotated = el('div', { role: 'tabpanel', id: 'panel-annotated', 'aria-labelledby': 'tab-annotated', hidden: state.tab !== 'annotated' },
      [el('div', { className: 'docgrid' }, [textCol, side])]);
    var clean = el('div', { role: 'tabpanel', id: 'panel-clean', 'aria-labelledby': 'tab-clean', hidden: state.tab !== 'clean' },
      [el('pre', { className: 'clean', id: 'clean-text', text: str(record.clean_text) || '(no cleaned text)' })]);
    pane.appendChild(annotated);
    pane.appendChild(clean);
    pane.appendChild(el('p', { className: 'keys', text: 'Keys: n/j next document · p/k previous · f next flagged paragraph · ' +
      'F previous flagged · a keep · d drop · u clear decision · c cleaned/annotated text · Esc back to the list' }));
  }

  function showTab(tab) {
    state.tab = tab;
    ['annotated', 'clean'].forEach(function (name) {
      var button = $('tab-' + name), panel = $('panel-' + name);
      if (!button) return;
      button.setAttribute('aria-selected', name === tab ? 'true' : 'false');
      panel.hidden = name !== tab;
    });
    var active = document.activeElement;
    if (active && active !== document.body && active.closest && active.closest('[hidden]')) {
      var shown = $('tab-' + tab);   // focus was inside the panel just hidden
      if (shown) shown.focus();
    }
  }

  function openDocument(pos, keepScroll) {
    if (!(pos >= 0 && pos < DOCS.length)) return;
    state.current = pos;
    $('listview').hidden = true;
    $('docview').hidden = false;
    renderDocument(pos);
    // The record number tells documents sharing an id apart; the id keeps the link readable.
    var hash = '#doc=' + encodeURIComponent(DOCS[pos].id) + (DOCS[pos].n !== undefined ? '&n=' + DOCS[pos].n : '');
    if (location.hash !== hash) history.replaceState(null, '', hash);
    if (!keepScroll) window.scrollTo(0, 0);
    var title = $('doc-title');
    if (title) title.focus({ preventScroll: true });
  }

  function closeDocument() {
    $('docview').hidden = true;
    $('docview').textContent = '';
    $('listview').hidden = false;
    history.replaceState(null, '', location.pathname + location.search);
    // Show the page of the list holding the document just reviewed.
    var at = view.indexOf(state.current);
    if (at >= 0) state.page = Math.floor(at / state.pageSize);
    renderRows();
    var row = document.querySelector('tr[data-pos="' + state.current + '"] .idbtn');
    if (row) row.focus();
  }

  function step(delta) {
    if (!view.length) return;
    var at = state.current === null ? -1 : view.indexOf(state.current);
    var next = at < 0 ? (delta > 0 ? 0 : view.length - 1) : at + delta;
    if (next < 0 || next >= view.length) { say(delta > 0 ? 'Last document in the list.' : 'First document in the list.'); return; }
    openDocument(view[next]);
    say('Document ' + (next + 1) + ' of ' + view.length + ': ' + DOCS[view[next]].id);
  }

  function decideCurrent(decision) {
    if (state.current === null) return;
    setDecision(state.current, decision);
    var keep = $('decide-keep'), drop = $('decide-drop');
    if (keep) keep.setAttribute('aria-pressed', decision === 'keep' ? 'true' : 'false');
    if (drop) drop.setAttribute('aria-pressed', decision === 'drop' ? 'true' : 'false');
  }

  function focusParagraph(node) {
    if (!node) return;
    if (state.tab !== 'annotated') showTab('annotated');
    node.focus({ preventScroll: true });
    node.scrollIntoView({ block: 'center' });
  }

  function nextFlagged(delta) {
    var flagged = Array.prototype.slice.call(document.querySelectorAll('#docview .para.flagged'));
    if (!flagged.length) { say('No flagged paragraphs in this document.'); return; }
    var at = flagged.indexOf(document.activeElement && document.activeElement.closest ? document.activeElement.closest('.para') : null);
    var next = at < 0 ? (delta > 0 ? 0 : flagged.length - 1) : at + delta;
    if (next < 0 || next >= flagged.length) {
      next = delta > 0 ? 0 : flagged.length - 1;  // wrap around, and say so
      say('Wrapped to the ' + (delta > 0 ? 'first' : 'last') + ' flagged paragraph.');
    } else {
      say('Flagged paragraph ' + (next + 1) + ' of ' + flagged.length + ': ' + flagged[next].getAttribute('data-labels'));
    }
    focusParagraph(flagged[next]);
  }

  // ---------------------------------------------------------------- keyboard
  document.addEventListener('keydown', function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var typing = target && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA' || target.isContentEditable);
    if (typing) {
      // preventDefault: Esc in a search box would also clear it; here it only leaves the box
      if (event.key === 'Escape') { event.preventDefault(); target.blur(); }
      return;
    }
    var inDoc = !$('docview').hidden;
    var handled = true;
    switch (event.key) {
      case 'n': case 'j': step(1); break;
      case 'p': case 'k': step(-1); break;
      case 'f': if (inDoc) nextFlagged(1); else handled = false; break;
      case 'F': if (inDoc) nextFlagged(-1); else handled = false; break;
      case 'a': if (inDoc) decideCurrent('keep'); else handled = false; break;
      case 'd': if (inDoc) decideCurrent('drop'); else handled = false; break;
      case 'u': if (inDoc) decideCurrent(null); else handled = false; break;
      case 'c': if (inDoc) showTab(state.tab === 'clean' ? 'annotated' : 'clean'); else handled = false; break;
      case 'Escape': if (inDoc) closeDocument(); else handled = false; break;
      case '/': if (inDoc) closeDocument(); $('f-search').focus(); break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });

  window.addEventListener('hashchange', openFromHash);
  function openFromHash() {
    var match = /^#doc=([^&]*)(?:&n=(\d+))?$/.exec(location.hash);
    if (!match) return;
    var id, n = match[2] === undefined ? null : parseInt(match[2], 10);
    try { id = decodeURIComponent(match[1]); } catch (err) { return; }
    var first = -1;
    for (var i = 0; i < DOCS.length; i++) {
      if (DOCS[i].id !== id) continue;
      if (n === null || DOCS[i].n === n) { openDocument(i); return; }
      if (first < 0) first = i;
    }
    if (first >= 0) openDocument(first);   // a link from another version of the run
  }

  // ---------------------------------------------------------------- start
  setupList();
  updateDecisionCounts();
  refreshList();
  document.documentElement.setAttribute('data-qc-ready', '1');
  if (window.performance && performance.mark) performance.mark('qc-first-render');
  if (location.hash) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', openFromHash, { once: true });
    else openFromHash();
  }
})();
