// m8perf report: builds the page from its JSON data block. Every text of the
// data (benchmark names, labels, context values, notes) reaches the page
// through textContent or canvas text, never as markup. Charts are drawn
// when their benchmark's section is open and scrolled into view.
(function () {
  'use strict';

  // What the page saw, for the reader and for tests: script errors, blocked
  // loads (Content-Security-Policy violations) and charts drawn.
  var status = { errors: [], violations: [], charts: 0, ready: false, benchmarks: 0 };
  window.m8report = status;
  window.addEventListener('error', function (event) {
    noteError(event.message || String(event.error));
  });
  document.addEventListener('securitypolicyviolation', function (event) {
    status.violations.push(event.violatedDirective + ' ' + event.blockedURI);
  });

  function noteError(message) {
    status.errors.push(String(message));
    var main = document.getElementById('report');
    if (main && !document.getElementById('page-error')) {
      var box = el('p', 'page-error', 'This page hit an error: ' + message);
      box.id = 'page-error';
      main.insertBefore(box, main.firstChild);
    }
  }

  // ---- DOM helpers: text only. ---------------------------------------------

  // el('td', 'num', 'text' | node | [children...])
  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    append(node, content);
    return node;
  }
  function append(node, content) {
    if (content === undefined || content === null) return node;
    if (Array.isArray(content)) {
      content.forEach(function (c) { append(node, c); });
    } else if (typeof content === 'object') {
      node.appendChild(content);
    } else {
      node.appendChild(document.createTextNode(String(content)));
    }
    return node;
  }
  function link(href, content, className) {
    var a = el('a', className, content);
    a.href = href;
    return a;
  }
  function table(headers, numeric) {
    var t = el('table');
    var tr = el('tr');
    headers.forEach(function (h, i) {
      tr.appendChild(el('th', numeric && numeric[i] ? 'num' : '', h));
    });
    t.appendChild(el('thead', '', tr));
    var body = el('tbody');
    t.appendChild(body);
    return { table: t, body: body };
  }
  function row(cells) {
    var tr = el('tr');
    cells.forEach(function (c) {
      if (c && c.nodeType === 1 && c.tagName === 'TD') tr.appendChild(c);
      else tr.appendChild(el('td', '', c));
    });
    return tr;
  }
  function num(text) { return el('td', 'num', text); }

  // ---- Numbers, as m8perf's console prints them. ---------------------------

  var TIME = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 };
  function digits(x) {
    var a = Math.abs(x);
    if (a >= 100) return x.toFixed(0);
    if (a >= 10) return x.toFixed(1);
    return x.toFixed(2);
  }
  function scaled(v, scales, suffix) {
    var a = Math.abs(v);
    for (var i = 0; i < scales.length; i++) {
      if (a >= scales[i][0] || i === scales.length - 1) {
        return digits(v / scales[i][0]) + scales[i][1] + suffix;
      }
    }
    return String(v);
  }
  var TIMES = [[1e9, ' s'], [1e6, ' ms'], [1e3, ' us'], [1, ' ns']];
  var RATES = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k'], [1, '']];
  var BYTES = [[1073741824, ' GiB'], [1048576, ' MiB'], [1024, ' KiB'], [1, ' B']];
  function fmt(v, unit) {
    if (v === null || v === undefined || Number.isNaN(v)) return '-';
    if (TIME[unit] !== undefined) return scaled(v * TIME[unit], TIMES, '');
    if (unit === '/s') return scaled(v, RATES, '/s');
    if (unit === 'B/s') return scaled(v, BYTES, '/s');
    if (unit === 'B') return scaled(v, BYTES, '');
    var a = Math.abs(v);
    if (a !== 0 && (a >= 1e7 || a < 1e-3)) return v.toPrecision(3);
    if (v === Math.floor(v)) return v.toFixed(0);
    return String(Number(v.toPrecision(4)));
  }
  // A tick of an axis whose ticks are `step` apart: the unit of fmt, with
  // as many decimals as the step needs (ticks 0.2 ns apart read 99.8, 100.0).
  function fmtTick(v, unit, step) {
    var scales = null, factor = 1, suffix = '';
    if (TIME[unit] !== undefined) { scales = TIMES; factor = TIME[unit]; }
    else if (unit === '/s') { scales = RATES; suffix = '/s'; }
    else if (unit === 'B/s') { scales = BYTES; suffix = '/s'; }
    else if (unit === 'B') { scales = BYTES; }
    var value = v * factor, size = Math.abs(step * factor), scale = [1, ''];
    if (scales) {
      for (var i = 0; i < scales.length; i++) {
        if (Math.abs(value) >= scales[i][0] || i === scales.length - 1) { scale = scales[i]; break; }
      }
    }
    var unitStep = size / scale[0];
    var decimals = unitStep > 0 ? Math.min(6, Math.max(0, Math.ceil(-Math.log10(unitStep) - 1e-9))) : 2;
    return (value / scale[0]).toFixed(decimals) + scale[1] + suffix;
  }
  function fmtChange(ratio) {
    if (ratio === null || ratio === undefined) return '-';
    var p = (ratio - 1) * 100;
    return (p >= 0 ? '+' : '') + (Math.abs(p) >= 100 ? p.toFixed(0) : p.toFixed(1)) + '%';
  }
  function fmtInterval(low, high) {
    if (low === null || high === null) return '-';
    return '[' + fmtChange(low) + ', ' + fmtChange(high) + ']';
  }
  function fmtP(p) {
    if (p === null || p === undefined) return '-';
    if (p < 1e-9) return '<1e-09';
    if (p < 1e-4) return p.toExponential(1);
    return p.toFixed(4);
  }
  function fmtPercent(x) {
    return x === null || x === undefined ? '-' : (x * 100).toFixed(1) + '%';
  }
  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }

  // ---- The data. -------------------------------------------------------------

  var D = JSON.parse(document.getElementById('m8-data').textContent);
  var B = D.benchmarks;
  var nBench = B.name.length;
  var nRuns = D.runs.label.length;
  status.benchmarks = nBench;
  var latestRun = nRuns - 1;
  var metric = D.metric;
  var C = D.comparison;
  var verdicts = D.verdicts;
  var REGRESSED = verdicts.indexOf('regressed');
  var IMPROVED = verdicts.indexOf('improved');
  var UNCHANGED = verdicts.indexOf('unchanged');

  function shortRun(r) {
    var rev = D.runs.revision[r];
    if (rev) return rev.slice(0, 10);
    var label = D.runs.label[r];
    var slash = label.lastIndexOf('/');
    return slash >= 0 ? label.slice(slash + 1) : label;
  }

  // Per benchmark: its comparison rows (the primary metric's first), its
  // change points, its budget breaches.
  var rowsOf = [];
  var primaryRow = [];
  var cpOf = [];
  var breachesOf = [];
  for (var b = 0; b < nBench; b++) {
    rowsOf.push([]);
    primaryRow.push(-1);
    cpOf.push([]);
    breachesOf.push([]);
  }
  if (C) {
    var primaryMetric = -1;
    C.metrics.forEach(function (m, i) { if (m.name === metric.name) primaryMetric = i; });
    for (var i = 0; i < C.benchmark.length; i++) {
      var bi = C.benchmark[i];
      if (C.metric[i] === primaryMetric) {
        primaryRow[bi] = i;
        rowsOf[bi].unshift(i);
      } else {
        rowsOf[bi].push(i);
      }
    }
  }
  for (var k = 0; k < D.change_points.benchmark.length; k++) {
    cpOf[D.change_points.benchmark[k]].push(k);
  }
  if (D.budgets) {
    D.budgets.breaches.forEach(function (breach, i) {
      if (breach.benchmark >= 0) breachesOf[breach.benchmark].push(i);
    });
  }
  function isNoisy(b) { return B.cv[b] !== null && B.cv[b] > D.noise; }
  function verdictOf(b) { return primaryRow[b] >= 0 ? C.verdict[primaryRow[b]] : -1; }
  function hasVerdict(b, v) {
    return rowsOf[b].some(function (i) { return C.verdict[i] === v; });
  }
  function needsAttention(b) {
    return hasVerdict(b, REGRESSED) || hasVerdict(b, IMPROVED) ||
      cpOf[b].length > 0 || isNoisy(b) || breachesOf[b].length > 0;
  }

  function benchLink(b, text) {
    var a = link('#b-' + b, text === undefined ? B.name[b] : text, 'name');
    return a;
  }
  function badge(text, kind) { return el('span', 'badge ' + (kind || ''), text); }
  function verdictBadge(v) { return badge(verdicts[v], verdicts[v]); }
  // How much worse a comparison is, whatever its direction (>1: worse).
  function badness(i) {
    var r = C.ratio[i];
    if (r === null || r <= 0) return 0;
    return C.metrics[C.metric[i]].direction === 'higher' ? 1 / r : r;
  }

  var main = document.getElementById('report');

  // ---- The first page: summary, warnings, what needs attention. -------------

  function buildSummary() {
    var section = el('section');
    section.id = 'summary';
    var parts = [];
    if (C) {
      var counts = [0, 0, 0, 0, 0];
      var compared = 0;
      for (var b = 0; b < nBench; b++) {
        var v = verdictOf(b);
        if (v >= 0) { counts[v]++; compared++; }
      }
      parts.push('Latest run against ' + (D.baseline.index >= 0 ? 'the previous run' : 'the baseline') +
        ', ' + metric.name + ' of ' + plural(compared, 'benchmark', 'benchmarks') + ': ' +
        counts[REGRESSED] + ' regressed, ' + counts[IMPROVED] + ' improved, ' +
        counts[UNCHANGED] + ' unchanged, ' + counts[verdicts.indexOf('changed')] + ' changed, ' +
        counts[verdicts.indexOf('unknown')] + ' unknown.');
      C.geomean.forEach(function (g) {
        if (g.metric === metric.name) {
          parts.push('Geometric mean of the ratios: ' + fmtChange(g.ratio) + ' over ' +
            plural(g.count, 'benchmark', 'benchmarks') + '.');
        }
      });
      parts.push('Verdicts at alpha ' + D.alpha + ', noise band \u00b1' +
        (D.noise * 100) + '%, ' + Math.round(D.confidence * 100) +
        '% CI of the ratio (Hodges-Lehmann, inverting the U test).');
    } else {
      parts.push('A single run: no comparison. The trend, distributions and scaling of ' +
        metric.name + ' are shown for it alone.');
    }
    section.appendChild(el('p', 'lead', parts.join(' ')));

    if (D.compared_differences.length) {
      var banner = el('div', 'banner');
      banner.appendChild(el('strong', '', 'The compared runs differ'));
      banner.appendChild(el('span', '', ' (their numbers may differ for that reason alone):'));
      var ul = el('ul');
      D.compared_differences.forEach(function (d) { ul.appendChild(el('li', '', d)); });
      banner.appendChild(ul);
      section.appendChild(banner);
    }
    if (D.warnings.length) {
      var details = el('details', 'env-warnings');
      details.appendChild(el('summary', '', plural(D.warnings.length,
        'environment warning', 'environment warnings') + ' (see Runs for each run)'));
      var list = el('ul');
      D.warnings.forEach(function (w) { list.appendChild(el('li', '', w)); });
      details.appendChild(list);
      section.appendChild(details);
    }
    main.appendChild(section);
  }

  // A list card: its first rows at once, the rest when asked for.
  function listCard(id, title, kind, headers, numeric, items, render, empty) {
    var card = el('div', 'card ' + kind);
    card.id = id;
    card.appendChild(el('h3', '', title + ' (' + items.length + ')'));
    if (!items.length) {
      card.appendChild(el('p', 'muted', empty));
      return card;
    }
    var first = table(headers, numeric);
    items.slice(0, 8).forEach(function (item) { first.body.appendChild(render(item)); });
    card.appendChild(first.table);
    if (items.length > 8) {
      var more = el('details', 'more');
      more.appendChild(el('summary', '', 'Show all ' + items.length));
      more.addEventListener('toggle', function once() {
        if (!more.open || more.dataset.built) return;
        more.dataset.built = '1';
        var rest = table(headers, numeric);
        items.slice(8).forEach(function (item) { rest.body.appendChild(render(item)); });
        more.appendChild(rest.table);
      });
      card.appendChild(more);
    }
    return card;
  }

  function buildAttention() {
    var section = el('section');
    section.id = 'attention';
    section.appendChild(el('h2', '', 'What needs attention'));

    // One item per benchmark: the primary metric's row when it has that
    // verdict, else the most extreme row that has it.
    function byBenchmark(verdict, worseFirst) {
      var items = [];
      if (!C) return items;
      for (var b = 0; b < nBench; b++) {
        var rows = rowsOf[b].filter(function (i) { return C.verdict[i] === verdict; });
        if (!rows.length) continue;
        rows.sort(function (x, y) { return worseFirst ? badness(y) - badness(x) : badness(x) - badness(y); });
        var lead = rows.indexOf(primaryRow[b]) >= 0 ? primaryRow[b] : rows[0];
        rows = [lead].concat(rows.filter(function (i) { return i !== lead; }));
        items.push({ row: lead, metrics: rows.map(function (i) { return C.metrics[C.metric[i]].name; }) });
      }
      items.sort(function (x, y) {
        return worseFirst ? badness(y.row) - badness(x.row) : badness(x.row) - badness(y.row);
      });
      return items;
    }
    var regressions = byBenchmark(REGRESSED, true);
    var improvements = byBenchmark(IMPROVED, false);
    var cps = [];
    for (var k = 0; k < D.change_points.benchmark.length; k++) cps.push(k);
    cps.sort(function (a, b) {
      var ra = D.change_points.regression[a], rb = D.change_points.regression[b];
      if (ra !== rb) return rb - ra;
      return Math.abs(D.change_points.change[b]) - Math.abs(D.change_points.change[a]);
    });
    var noisy = [];
    for (var b = 0; b < nBench; b++) if (isNoisy(b)) noisy.push(b);
    noisy.sort(function (a, b) { return B.cv[b] - B.cv[a]; });
    var breaches = D.budgets ? D.budgets.breaches : [];
    var missed = (D.targets || []).filter(function (t) { return t.status !== 'pass'; });

    var tiles = el('div', 'tiles');
    function tile(id, count, what, kind) {
      var t = link('#' + id, [el('div', 'count', String(count)), el('div', 'what', what)],
        'tile ' + (count ? kind : 'zero'));
      tiles.appendChild(t);
    }
    tile('att-regressions', regressions.length, 'benchmarks regressed', 'worse');
    tile('att-improvements', improvements.length, 'benchmarks improved', 'better');
    tile('att-change-points', cps.length, 'change points in the trend', 'warn');
    tile('att-noisy', noisy.length, 'noisy benchmarks', 'warn');
    tile('att-budgets', breaches.length, D.budgets ? 'budgets breached' : 'budgets (none given)', 'worse');
    tile('att-targets', missed.length, D.targets ? 'targets missed' : 'targets (none given)', 'worse');
    section.appendChild(tiles);

    var lists = el('div', 'lists');
    var cmpHeaders = ['Benchmark', 'Change', 'CI', 'Metrics'];
    var cmpNumeric = [false, true, true, false];
    function cmpRow(item) {
      var i = item.row;
      var kind = C.verdict[i] === REGRESSED ? 'worse-text' : 'better-text';
      return row([el('td', 'name', benchLink(C.benchmark[i])),
        el('td', 'num ' + kind, fmtChange(C.ratio[i])),
        num(fmtInterval(C.ci_low[i], C.ci_high[i])), el('td', 'mono', item.metrics.join(', '))]);
    }
    lists.appendChild(listCard('att-regressions', 'Regressions', 'worse', cmpHeaders, cmpNumeric,
      regressions, cmpRow, C ? 'No benchmark is measurably worse than the baseline.' :
        'No baseline to compare with.'));
    lists.appendChild(listCard('att-improvements', 'Improvements', 'better', cmpHeaders, cmpNumeric,
      improvements, cmpRow, C ? 'No benchmark is measurably better than the baseline.' :
        'No baseline to compare with.'));
    lists.appendChild(listCard('att-change-points', 'Change points in the trend of ' + metric.name,
      'warn', ['Benchmark', 'From run', 'Change', 'p'], [false, false, true, true], cps,
      function (k) {
        var cp = D.change_points;
        return row([el('td', 'name', benchLink(cp.benchmark[k])), shortRun(cp.run[k]),
          el('td', 'num ' + (cp.regression[k] ? 'worse-text' : 'better-text'),
            fmtChange(1 + cp.change[k])), num(fmtP(cp.pvalue[k]))]);
      }, nRuns < 3 ? 'Change points need at least 3 runs.' : 'No step in any trend.'));
    lists.appendChild(listCard('att-noisy', 'Noisy benchmarks (CV above the \u00b1' +
      (D.noise * 100) + '% noise band)', 'warn', ['Benchmark', 'CV', 'Repetitions'],
      [false, true, true], noisy, function (b) {
        return row([el('td', 'name', benchLink(b)), num(fmtPercent(B.cv[b])),
          num(String(B.latest[b].length))]);
      }, 'Every benchmark\u2019s repetitions vary less than the noise band.'));
    lists.appendChild(listCard('att-budgets', 'Budgets breached', 'worse',
      ['Benchmark', 'Metric', 'Bound', 'Value', 'Limit'], [false, false, false, true, true],
      breaches, function (x) {
        var value = x.bound === 'max_change' ? fmtChange(1 + x.change) : fmt(x.value, x.unit);
        var limit = x.bound === 'max_change' ? fmtPercent(x.limit) : fmt(x.limit, x.unit);
        return row([el('td', 'name', x.benchmark >= 0 ? benchLink(x.benchmark) : x.name),
          x.metric, x.bound, el('td', 'num worse-text', value), num(limit)]);
      }, D.budgets ? 'Every budget holds (' + plural(D.budgets.checks, 'check', 'checks') + ').' :
        'No budgets were given (--budgets FILE).'));
    lists.appendChild(listCard('att-targets', 'Targets missed', 'worse',
      ['Target', 'Ratio', 'Bound', 'Status'], [false, true, false, false], missed,
      function (t) {
        var name = t.numerator_benchmark >= 0 ? benchLink(t.numerator_benchmark, t.name) : t.name;
        return row([el('td', '', name), num(t.status === 'missing' ? '-' : fmt(t.ratio, '')),
          t.bound, el('td', '', [badge(t.status, t.status), t.problem ? ' ' + t.problem : ''])]);
      }, D.targets ? 'Every target is met (' + plural(D.targets.length, 'target', 'targets') + ').' :
        'No targets were given (--targets FILE).'));
    section.appendChild(lists);
    main.appendChild(section);
  }

  // ---- The benchmark list. ------------------------------------------------------

  // Sections are made when first needed: the list shows its first CHUNK
  // rows and appends more as its end scrolls into view, so 2,000 benchmarks
  // cost the page no more than 200 until a reader goes looking.
  var CHUNK = 200;
  var sections = [];
  var list = null;
  var order = [];
  var rendered = 0;
  var showAll = null;
  var observer = 'IntersectionObserver' in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) return;
      observer.unobserve(entry.target);
      drawChart(entry.target);
    });
  }, { rootMargin: '300px 0px' }) : null;

  function sectionOf(b) {
    if (!sections[b]) {
      var details = el('details', 'bench');
      details.id = 'b-' + b;
      details.dataset.index = String(b);
      details.appendChild(benchSummary(b));
      details.addEventListener('toggle', onToggle);
      sections[b] = details;
    }
    return sections[b];
  }

  // Appends the next rows of `order` until `count` are in the list.
  function renderUpTo(count) {
    var fragment = document.createDocumentFragment();
    for (; rendered < Math.min(count, order.length); rendered++) {
      fragment.appendChild(sectionOf(order[rendered]));
    }
    list.appendChild(fragment);
  }

  function buildBenchmarks() {
    var section = el('section');
    section.id = 'benchmarks';
    section.appendChild(el('h2', '', 'Benchmarks'));
    var toolbar = el('div', 'toolbar');
    var search = el('input');
    search.type = 'search';
    search.placeholder = 'Filter by name';
    search.setAttribute('aria-label', 'Filter benchmarks by name');
    var show = el('select');
    [['all', 'All benchmarks'], ['attention', 'Needing attention'], ['regressed', 'Regressed'],
      ['improved', 'Improved'], ['cp', 'With change points'], ['noisy', 'Noisy']].forEach(function (o) {
      var option = el('option', '', o[1]);
      option.value = o[0];
      show.appendChild(option);
    });
    var sort = el('select');
    [['file', 'In run order'], ['worst', 'Worst change first'], ['best', 'Best change first'],
      ['cv', 'Noisiest first']].forEach(function (o) {
      var option = el('option', '', o[1]);
      option.value = o[0];
      sort.appendChild(option);
    });
    var shown = el('span', 'shown');
    toolbar.appendChild(search);
    toolbar.appendChild(show);
    toolbar.appendChild(sort);
    toolbar.appendChild(shown);
    section.appendChild(toolbar);

    var head = el('div', 'bench-head', [el('span', '', 'Benchmark'),
      el('span', '', 'Latest ' + metric.name), el('span', '', 'Change'), el('span', '', 'CI'),
      el('span', '', 'Verdict'), el('span', '', 'Flags')]);
    list = el('div', 'bench-list');
    var sentinel = el('div', 'sentinel');
    section.appendChild(head);
    section.appendChild(list);
    section.appendChild(sentinel);
    main.appendChild(section);
    if ('IntersectionObserver' in window) {
      new IntersectionObserver(function (entries) {
        if (entries.some(function (e) { return e.isIntersecting; })) renderUpTo(rendered + CHUNK);
      }, { rootMargin: '800px 0px' }).observe(sentinel);
    }

    function apply() {
      var text = search.value.trim().toLowerCase();
      var mode = show.value;
      order = [];
      for (var i = 0; i < nBench; i++) {
        if ((!text || B.name[i].toLowerCase().indexOf(text) >= 0) &&
          (mode === 'all' || (mode === 'attention' && needsAttention(i)) ||
            (mode === 'regressed' && C && hasVerdict(i, REGRESSED)) ||
            (mode === 'improved' && C && hasVerdict(i, IMPROVED)) ||
            (mode === 'cp' && cpOf[i].length > 0) || (mode === 'noisy' && isNoisy(i)))) {
          order.push(i);
        }
      }
      var key = null;
      if (sort.value === 'worst' || sort.value === 'best') {
        var sign = sort.value === 'worst' ? 1 : -1;
        key = function (b) { return primaryRow[b] >= 0 ? sign * badness(primaryRow[b]) : 0; };
      } else if (sort.value === 'cv') {
        key = function (b) { return B.cv[b] === null ? -1 : B.cv[b]; };
      }
      if (key) order.sort(function (x, y) { return key(y) - key(x) || x - y; });
      while (list.firstChild) list.removeChild(list.firstChild);
      rendered = 0;
      renderUpTo(CHUNK);
      shown.textContent = order.length + ' of ' + nBench + ' shown';
    }
    showAll = function () {
      search.value = '';
      show.value = 'all';
      apply();
    };
    search.addEventListener('input', apply);
    show.addEventListener('change', apply);
    sort.addEventListener('change', apply);
    apply();
  }

  function benchSummary(b) {
    var summary = el('summary');
    summary.appendChild(el('span', 'name', B.name[b]));
    summary.appendChild(el('span', 'num', fmt(B.median[b][latestRun], metric.unit)));
    var i = primaryRow[b];
    if (i >= 0) {
      var v = C.verdict[i];
      var kind = v === REGRESSED ? 'num worse-text' : v === IMPROVED ? 'num better-text' : 'num';
      summary.appendChild(el('span', kind, fmtChange(C.ratio[i])));
      summary.appendChild(el('span', 'num muted', fmtInterval(C.ci_low[i], C.ci_high[i])));
      summary.appendChild(el('span', '', verdictBadge(v)));
    } else {
      summary.appendChild(el('span', 'num muted', '-'));
      summary.appendChild(el('span', 'num muted', '-'));
      summary.appendChild(el('span', 'muted', C ? 'not compared' : ''));
    }
    var flags = el('span', 'flags');
    var others = rowsOf[b].filter(function (r) {
      return r !== i && (C.verdict[r] === REGRESSED || C.verdict[r] === IMPROVED);
    });
    if (others.length) flags.appendChild(badge(plural(others.length, 'metric', 'metrics') + ' changed', 'changed'));
    if (cpOf[b].length) flags.appendChild(badge(plural(cpOf[b].length, 'step', 'steps'), 'cp'));
    if (isNoisy(b)) flags.appendChild(badge('CV ' + fmtPercent(B.cv[b]), 'noisy'));
    if (breachesOf[b].length) flags.appendChild(badge('budget', 'breach'));
    summary.appendChild(flags);
    return summary;
  }

  function onToggle(event) {
    var details = event.currentTarget;
    if (details.open) buildBody(details);
  }

  function buildBody(details) {
    if (details.dataset.built) return;
    details.dataset.built = '1';
    var b = Number(details.dataset.index);
    var body = el('div', 'bench-body');
    var charts = el('div', 'charts');
    charts.appendChild(chartFigure('trend', b, 'Median ' + metric.name + ' over ' +
      plural(nRuns, 'run', 'runs'), 'The band spans the fastest to the slowest repetition of each run; ' +
      'dashed lines mark change points (red worse, green better).'));
    charts.appendChild(chartFigure('dist', b, 'Repetitions: latest against ' +
      (D.baseline ? 'baseline' : 'nothing'), 'Each dot is one repetition; the box spans the ' +
      'quartiles with the median marked, the whiskers the range.'));
    body.appendChild(charts);
    body.appendChild(comparisonTable(b));
    if (B.sweep[b] >= 0) body.appendChild(scaleBlock(b));
    details.appendChild(body);
  }

  function chartFigure(kind, b, caption, note) {
    var figure = el('figure', 'chart');
    figure.appendChild(el('figcaption', '', caption));
    var box = el('div', 'chart-box' + (kind === 'dist' ? ' short' : ''));
    var canvas = el('canvas');
    canvas.dataset.kind = kind;
    canvas.dataset.index = String(b);
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', caption);
    box.appendChild(canvas);
    figure.appendChild(box);
    if (note) figure.appendChild(el('p', 'note', note));
    if (observer) observer.observe(canvas);
    else drawChart(canvas);
    return figure;
  }

  function comparisonTable(b) {
    if (!C) return el('p', 'muted', 'No baseline: nothing to compare with.');
    if (!rowsOf[b].length) return el('p', 'muted', 'Not in the baseline: nothing to compare with.');
    var t = table(['Metric', 'Baseline', 'Latest', 'Change', Math.round(D.confidence * 100) + '% CI',
      'p', 'CV base / latest', 'Verdict', 'Note'], [false, true, true, true, true, true, true, false, false]);
    t.table.className = 'cmp';
    rowsOf[b].forEach(function (i) {
      var m = C.metrics[C.metric[i]];
      var v = C.verdict[i];
      var tr = row([el('td', 'mono', m.name), num(fmt(C.base[i], m.unit)), num(fmt(C.new[i], m.unit)),
        el('td', 'num ' + (v === REGRESSED ? 'worse-text' : v === IMPROVED ? 'better-text' : ''),
          fmtChange(C.ratio[i])), num(fmtInterval(C.ci_low[i], C.ci_high[i])),
        num(fmtP(C.pvalue[i])), num(fmtPercent(C.base_cv[i]) + ' / ' + fmtPercent(C.new_cv[i])),
        el('td', '', verdictBadge(v)), el('td', 'muted', C.note[i] >= 0 ? C.notes[C.note[i]] : '')]);
      tr.className = verdicts[v];
      t.body.appendChild(tr);
    });
    return t.table;
  }

  function scaleBlock(b) {
    var sweep = D.sweeps[B.sweep[b]];
    var block = el('div', 'scale');
    block.appendChild(chartFigure('scale', b, 'Scaling of ' + sweep.name + ' (' + sweep.metric + ')',
      sweep.fit ? 'Dots: measured throughput per thread count; line: the Universal Scalability Law fit.' :
        'Too few thread counts for a fit.'));
    var fit = el('div', 'card fit');
    fit.appendChild(el('h3', '', 'Universal Scalability Law'));
    if (sweep.fit) {
      var f = sweep.fit;
      var dl = el('dl');
      [['sigma (contention)', fmt(f.sigma, '')], ['kappa (coherency)', fmt(f.kappa, '')],
        ['lambda (1 thread)', fmt(f.lambda, '/s')],
        ['peak at', f.peak_concurrency === null ? 'no peak (kappa 0)' : fmt(f.peak_concurrency, '') + ' threads'],
        ['peak throughput', fmt(f.peak_throughput, '/s')], ['R\u00b2', fmt(f.r_squared, '')]]
        .forEach(function (p) { dl.appendChild(el('dt', '', p[0])); dl.appendChild(el('dd', '', p[1])); });
      fit.appendChild(dl);
    } else {
      fit.appendChild(el('p', 'muted', 'No fit.'));
    }
    sweep.warnings.forEach(function (w) { fit.appendChild(el('p', 'muted', w)); });
    block.appendChild(fit);
    return block;
  }

  // ---- Charts. ------------------------------------------------------------------

  var COLORS = { line: '#0969da', band: 'rgba(9,105,218,0.13)', base: '#818b98',
    worse: '#cf222e', better: '#1a7f37', grid: '#eef1f4', text: '#59636e' };

  function runTooltipLines(r) {
    var lines = [];
    if (D.runs.revision[r]) lines.push('revision ' + D.runs.revision[r]);
    if (D.runs.date[r]) lines.push('date ' + D.runs.date[r]);
    return lines;
  }

  function drawChart(canvas) {
    if (canvas.dataset.drawn) return;
    var b = Number(canvas.dataset.index);
    try {
      if (typeof Chart === 'undefined') throw new Error('the chart library did not load');
      var kind = canvas.dataset.kind;
      if (kind === 'trend') trendChart(canvas, b);
      else if (kind === 'dist') distributionChart(canvas, b);
      else scaleChart(canvas, b);
      canvas.dataset.drawn = '1';
      status.charts++;
    } catch (e) {
      noteError(e && e.message ? e.message : String(e));
      canvas.parentNode.appendChild(el('p', 'chart-error', 'This chart could not be drawn: ' + e));
    }
  }

  // Draws vertical dashed lines before the runs where a change point starts.
  var changePointPlugin = {
    id: 'm8ChangePoints',
    afterDatasetsDraw: function (chart, args, options) {
      var marks = options.marks || [];
      if (!marks.length) return;
      var ctx = chart.ctx, area = chart.chartArea, x = chart.scales.x;
      ctx.save();
      ctx.setLineDash([5, 4]);
      ctx.lineWidth = 1.5;
      ctx.font = '11px ' + Chart.defaults.font.family;
      marks.forEach(function (m) {
        var px = x.getPixelForValue(m.run - 0.5);
        ctx.strokeStyle = m.regression ? COLORS.worse : COLORS.better;
        ctx.fillStyle = ctx.strokeStyle;
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
        ctx.fillText(fmtChange(1 + m.change), px + 4, area.top + 11);
      });
      ctx.restore();
    }
  };

  function axisTicks(unit) {
    return { color: COLORS.text, callback: function (v, i, ticks) {
      var step = ticks.length > 1 ? Math.abs(ticks[1].value - ticks[0].value) : 0;
      return fmtTick(v, unit, step);
    } };
  }

  function trendChart(canvas, b) {
    var med = [], low = [], high = [];
    for (var r = 0; r < nRuns; r++) {
      if (B.median[b][r] === null) continue;
      med.push({ x: r, y: B.median[b][r] });
      low.push({ x: r, y: B.low[b][r] });
      high.push({ x: r, y: B.high[b][r] });
    }
    var marks = cpOf[b].map(function (k) {
      return { run: D.change_points.run[k], change: D.change_points.change[k],
        regression: D.change_points.regression[k] === 1 };
    });
    var radius = med.map(function (p) { return p.x === latestRun ? 4.5 : 2.5; });
    new Chart(canvas, {
      type: 'line',
      data: { datasets: [
        { label: 'fastest', data: low, borderWidth: 0, pointRadius: 0, fill: false },
        { label: 'range of repetitions', data: high, borderWidth: 0, pointRadius: 0,
          backgroundColor: COLORS.band, fill: '-1' },
        { label: 'median', data: med, borderColor: COLORS.line, backgroundColor: COLORS.line,
          borderWidth: 2, pointRadius: radius, pointHoverRadius: 6, tension: 0 }
      ] },
      options: {
        animation: false, parsing: false, normalized: true,
        responsive: true, maintainAspectRatio: false,
        interaction: { mode: 'index', axis: 'x', intersect: false },
        scales: {
          x: { type: 'linear', min: -0.5, max: nRuns - 0.5, grid: { color: COLORS.grid },
            // At most 7 labelled runs, counted back from the latest.
            afterBuildTicks: function (axis) {
              var step = Math.max(1, Math.ceil(nRuns / 7)), ticks = [];
              for (var r = latestRun; r >= 0; r -= step) ticks.unshift({ value: r });
              axis.ticks = ticks;
            },
            ticks: { color: COLORS.text, autoSkip: false, maxRotation: 0,
              callback: function (v) { return shortRun(v); } } },
          y: { grid: { color: COLORS.grid }, ticks: axisTicks(metric.unit) }
        },
        plugins: {
          legend: { display: false },
          m8ChangePoints: { marks: marks },
          tooltip: {
            filter: function (item) { return item.datasetIndex === 2; },
            callbacks: {
              title: function (items) { return items.length ? 'run ' + D.runs.label[items[0].raw.x] : ''; },
              label: function (item) {
                var r = item.raw.x;
                return runTooltipLines(r).concat([
                  'median ' + fmt(item.raw.y, metric.unit),
                  'range ' + fmt(B.low[b][r], metric.unit) + ' \u2013 ' + fmt(B.high[b][r], metric.unit)]);
              }
            }
          }
        }
      },
      plugins: [changePointPlugin]
    });
  }

  function quartiles(values) {
    var s = values.slice().sort(function (x, y) { return x - y; });
    function q(p) {
      var h = (s.length - 1) * p, lo = Math.floor(h), hi = Math.ceil(h);
      return s[lo] + (s[hi] - s[lo]) * (h - lo);
    }
    return { min: s[0], q1: q(0.25), median: q(0.5), q3: q(0.75), max: s[s.length - 1] };
  }

  // Boxes behind the strip of repetitions, one per row (y = 0, 1).
  var boxPlugin = {
    id: 'm8Boxes',
    beforeDatasetsDraw: function (chart, args, options) {
      var ctx = chart.ctx, x = chart.scales.x, y = chart.scales.y;
      ctx.save();
      (options.boxes || []).forEach(function (box) {
        var top = y.getPixelForValue(box.row + 0.3), bottom = y.getPixelForValue(box.row - 0.3);
        var mid = (top + bottom) / 2;
        var s = box.stats;
        ctx.strokeStyle = box.color;
        ctx.fillStyle = box.fill;
        ctx.lineWidth = 1.2;
        ctx.fillRect(x.getPixelForValue(s.q1), top, x.getPixelForValue(s.q3) - x.getPixelForValue(s.q1), bottom - top);
        ctx.strokeRect(x.getPixelForValue(s.q1), top, x.getPixelForValue(s.q3) - x.getPixelForValue(s.q1), bottom - top);
        ctx.beginPath();
        ctx.moveTo(x.getPixelForValue(s.min), mid);
        ctx.lineTo(x.getPixelForValue(s.q1), mid);
        ctx.moveTo(x.getPixelForValue(s.q3), mid);
        ctx.lineTo(x.getPixelForValue(s.max), mid);
        ctx.stroke();
        ctx.lineWidth = 2.5;
        ctx.beginPath();
        ctx.moveTo(x.getPixelForValue(s.median), top);
        ctx.lineTo(x.getPixelForValue(s.median), bottom);
        ctx.stroke();
      });
      ctx.restore();
    }
  };

  function distributionChart(canvas, b) {
    var v = verdictOf(b);
    var latestColor = v === REGRESSED ? COLORS.worse : v === IMPROVED ? COLORS.better : COLORS.line;
    var rows = [{ values: B.latest[b], row: 0, color: latestColor, run: latestRun, label: 'latest' }];
    if (D.baseline && B.baseline[b].length) {
      rows.push({ values: B.baseline[b], row: 1, color: COLORS.base, run: D.baseline.index, label: 'baseline' });
    }
    var datasets = [], boxes = [];
    rows.forEach(function (r) {
      if (!r.values.length) return;
      // A fixed jitter (golden-ratio steps) spreads equal values apart.
      // Sorted by value: with parsing off, Chart.js takes data as sorted.
      var points = r.values.map(function (value, i) {
        return { x: value, y: r.row + ((i * 0.618034) % 1 - 0.5) * 0.36, rep: i };
      }).sort(function (p, q) { return p.x - q.x; });
      datasets.push({ label: r.label, data: points, backgroundColor: r.color + 'b0', borderColor: r.color, pointRadius: 3.2, pointHoverRadius: 5 });
      boxes.push({ row: r.row, stats: quartiles(r.values), color: r.color, fill: r.color + '1f' });
    });
    var baselineInfo = D.baseline;
    new Chart(canvas, {
      type: 'scatter',
      data: { datasets: datasets },
      options: {
        animation: false, parsing: false,
        responsive: true, maintainAspectRatio: false,
        scales: {
          x: { grid: { color: COLORS.grid },
            ticks: Object.assign(axisTicks(metric.unit), { maxTicksLimit: 6, maxRotation: 0 }) },
          y: { min: -0.6, max: rows.length > 1 ? 1.6 : 0.6, grid: { display: false },
            afterBuildTicks: function (axis) {
              axis.ticks = rows.map(function (r) { return { value: r.row }; });
            },
            ticks: { color: COLORS.text, callback: function (value) { return value === 1 ? 'baseline' : 'latest'; } } }
        },
        plugins: {
          legend: { display: false },
          m8Boxes: { boxes: boxes },
          tooltip: {
            callbacks: {
              title: function (items) {
                if (!items.length) return '';
                var isBase = items[0].dataset.label === 'baseline';
                return 'run ' + (isBase ? baselineInfo.label : D.runs.label[latestRun]);
              },
              label: function (item) {
                var isBase = item.dataset.label === 'baseline';
                var lines = [];
                if (isBase) {
                  if (baselineInfo.revision) lines.push('revision ' + baselineInfo.revision);
                  if (baselineInfo.date) lines.push('date ' + baselineInfo.date);
                } else {
                  lines = runTooltipLines(latestRun);
                }
                lines.push('repetition ' + (item.raw.rep + 1) + ': ' + fmt(item.raw.x, metric.unit));
                return lines;
              }
            }
          }
        }
      },
      plugins: [boxPlugin]
    });
  }

  function uslThroughput(fit, n) {
    return fit.lambda * n / (1 + fit.sigma * (n - 1) + fit.kappa * n * (n - 1));
  }

  function scaleChart(canvas, b) {
    var sweep = D.sweeps[B.sweep[b]];
    var points = sweep.threads.map(function (t, i) { return { x: t, y: sweep.throughput[i] }; });
    var maxThreads = Math.max.apply(null, sweep.threads);
    var datasets = [{ type: 'scatter', label: 'measured', data: points, backgroundColor: COLORS.line,
      borderColor: COLORS.line, pointRadius: 4.5, pointHoverRadius: 6 }];
    if (sweep.fit) {
      var f = sweep.fit, end = maxThreads * 1.25;
      if (f.peak_concurrency !== null && f.peak_concurrency > maxThreads && f.peak_concurrency < maxThreads * 4) {
        end = f.peak_concurrency * 1.2;
      }
      var curve = [];
      for (var i = 0; i <= 60; i++) {
        var n = 1 + (end - 1) * i / 60;
        curve.push({ x: n, y: uslThroughput(f, n) });
      }
      datasets.push({ type: 'line', label: 'USL fit', data: curve, borderColor: COLORS.base,
        borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0, fill: false });
    }
    var label = B.name[b];
    new Chart(canvas, {
      type: 'scatter',
      data: { datasets: datasets },
      options: {
        animation: false, parsing: false,
        responsive: true, maintainAspectRatio: false,
        scales: {
          x: { type: 'linear', min: 0, grid: { color: COLORS.grid },
            title: { display: true, text: 'threads', color: COLORS.text }, ticks: { color: COLORS.text } },
          y: { min: 0, grid: { color: COLORS.grid }, ticks: axisTicks('/s') }
        },
        plugins: {
          legend: { display: true, labels: { boxWidth: 12, color: COLORS.text } },
          tooltip: {
            filter: function (item) { return item.datasetIndex === 0; },
            callbacks: {
              title: function () { return 'run ' + D.runs.label[latestRun]; },
              label: function (item) {
                return runTooltipLines(latestRun).concat([
                  item.raw.x + (item.raw.x === 1 ? ' thread: ' : ' threads: ') + fmt(item.raw.y, '/s'),
                  label]);
              }
            }
          }
        }
      }
    });
  }

  // ---- Runs and their environments. ------------------------------------------

  var GROUPS = [
    ['Grid options', function (k) { return k.indexOf('m8.grid.') === 0; }],
    ['Build', function (k) { return /^m8\.(build_type|compiler|git_revision|benchmark_library|config|smoke)$/.test(k); }],
    ['Topology', function (k) { return k.indexOf('m8.topology.') === 0; }],
    ['Environment', function (k) { return k.indexOf('m8.env.') === 0; }],
    ['Google Benchmark', function (k) { return k.indexOf('.') < 0; }],
    ['Other', function () { return true; }]
  ];

  function environmentBody(context, warnings) {
    var env = el('div', 'env');
    if (warnings.length) {
      env.appendChild(el('h3', '', 'Warnings'));
      var ul = el('ul');
      warnings.forEach(function (w) { ul.appendChild(el('li', '', w)); });
      env.appendChild(ul);
    }
    var used = context.map(function () { return false; });
    GROUPS.forEach(function (group) {
      var t = null;
      context.forEach(function (kv, i) {
        if (used[i] || !group[1](kv[0])) return;
        used[i] = true;
        if (!t) t = table(['Key', 'Value']);
        t.body.appendChild(row([kv[0], kv[1]]));
      });
      if (t) {
        env.appendChild(el('h3', '', group[0]));
        env.appendChild(t.table);
      }
    });
    return env;
  }

  function runDetails(id, title, label, revision, date, context, warnings) {
    var details = el('details', 'run');
    details.id = id;
    var summary = el('summary', '', [el('strong', '', title), ' ', el('span', 'mono', label)]);
    if (revision) summary.appendChild(append(el('span', ''), [' ', el('span', 'rev', revision)]));
    if (date) summary.appendChild(el('span', 'muted', ' ' + date));
    if (warnings.length) {
      summary.appendChild(document.createTextNode(' '));
      summary.appendChild(badge(plural(warnings.length, 'warning', 'warnings'), 'noisy'));
    }
    details.appendChild(summary);
    details.addEventListener('toggle', function () {
      if (details.open && !details.dataset.built) {
        details.dataset.built = '1';
        details.appendChild(environmentBody(context, warnings));
      }
    });
    return details;
  }

  function buildRuns() {
    var section = el('section');
    section.id = 'runs';
    section.appendChild(el('h2', '', 'Runs'));
    if (D.view_differences.length) {
      var banner = el('div', 'banner');
      banner.appendChild(el('strong', '', 'The runs in view differ'));
      var ul = el('ul');
      D.view_differences.forEach(function (d) { ul.appendChild(el('li', '', d)); });
      banner.appendChild(ul);
      section.appendChild(banner);
    }
    var list = el('div');
    list.className = 'run-list';
    if (D.baseline && D.baseline.index < 0) {
      list.appendChild(runDetails('run-baseline', 'Baseline', D.baseline.label, D.baseline.revision,
        D.baseline.date, D.baseline_environment, D.baseline_warnings));
    }
    for (var r = nRuns - 1; r >= 0; r--) {
      var title = r === latestRun ? 'Latest' : r === (D.baseline ? D.baseline.index : -2) ? 'Baseline' : 'Run ' + (r + 1);
      list.appendChild(runDetails('run-' + r, title, D.runs.label[r], D.runs.revision[r],
        D.runs.date[r], D.environment[r], D.run_warnings[r]));
    }
    section.appendChild(list);
    main.appendChild(section);
  }

  // Opens the benchmark section a link points at (#b-N) and shows it.
  function followHash() {
    var match = /^#b-(\d+)$/.exec(window.location.hash);
    if (!match) return;
    var b = Number(match[1]);
    if (!(b < nBench)) return;
    if (order.indexOf(b) < 0) showAll();
    renderUpTo(order.indexOf(b) + 1 + CHUNK);
    var details = sectionOf(b);
    details.open = true;
    buildBody(details);
    details.scrollIntoView({ block: 'start' });
  }

  if (typeof Chart !== 'undefined') {
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = COLORS.text;
  }
  buildSummary();
  buildAttention();
  buildBenchmarks();
  buildRuns();
  main.appendChild(el('footer', '', 'Written by m8perf report. Statistics: medians of repetitions, ' +
    'Mann-Whitney U and the Hodges-Lehmann CI it implies per comparison, E-divisive change points, ' +
    'Universal Scalability Law fits.'));
  // A short report opens every section; a long one opens the one a link names.
  if (nBench <= 12) {
    sections.forEach(function (d) { if (d) { d.open = true; buildBody(d); } });
  }
  window.addEventListener('hashchange', followHash);
  followHash();
  status.readyMs = Math.round(performance.now());
  status.ready = true;
})();
