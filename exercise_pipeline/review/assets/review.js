(function () {
  'use strict';
  // The queue is data (a JSON block), never markup: every piece of article text reaches the
  // page through textContent, so nothing in an article can become an element or a script.
  var data = JSON.parse(document.getElementById('queue-data').textContent);
  var kind = document.getElementById('kind'), text = document.getElementById('text');
  var more = document.getElementById('more'), count = document.getElementById('count');
  var list = document.getElementById('conflicts');
  var pageSize = 200, limit = pageSize;
  // Served by `pipeline review serve`: buttons and keys record decisions through its API,
  // with this run's token. The static page has no token and shows the commands instead.
  var tokenMeta = document.querySelector('meta[name=review-token]');
  var token = tokenMeta ? tokenMeta.getAttribute('content') : null;
  var progress = document.getElementById('progress'), status = document.getElementById('status');
  var rebuild = document.getElementById('rebuild');
  var shown = [], nodes = [], current = 0, pending = [];
  var sort = document.getElementById('sort'), source = document.getElementById('source');
  var scoreMin = document.getElementById('score-min'), scoreMax = document.getElementById('score-max');
  var exportButton = document.getElementById('export');

  function el(tag, cls, content) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (content === undefined || content === null) { return node; }
    if (typeof content === 'string') { node.textContent = content; return node; }
    content.forEach(function (child) {
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function table(head, rows) {
    var t = el('table');
    if (head) { t.appendChild(el('tr', null, head.map(function (h) { return el('th', null, h); }))); }
    rows.forEach(function (r) {
      var tr = el('tr', r.cls || null, r.cells.map(function (c) { return el('td', null, c); }));
      t.appendChild(tr);
    });
    return t;
  }

  function side(s) {
    var box = el('div', 'side');
    box.appendChild(el('h3', null, s.name));
    box.appendChild(el('p', 'key', s.key));
    if (s.fields.length) {
      box.appendChild(table(null, s.fields.map(function (f) {
        return { cls: f[2] ? 'differs' : null, cells: [f[0], f[1]] };
      })));
    } else {
      box.appendChild(el('p', null, 'No fields given.'));
    }
    if (s.evidence.length) {
      box.appendChild(el('p', null, 'Evidence:'));
      box.appendChild(el('ul', null, s.evidence.map(function (x) { return el('li', null, x); })));
    }
    if (s.steps.length) {
      var steps = function (list) {
        return el('ol', null, list.map(function (segments) {
          return el('li', null, segments.map(function (seg) {
            return seg[1] ? el('mark', null, seg[0]) : seg[0];
          }));
        }));
      };
      var differing = s.steps.filter(function (segments) {
        return segments.some(function (seg) { return seg[1]; });
      });
      if (differing.length && differing.length < s.steps.length) {
        // Compact: the steps that differ from the other side; all of them on opening.
        box.appendChild(el('p', null, differing.length + ' of ' + s.steps.length + ' steps differ:'));
        box.appendChild(steps(differing));
        var all = el('details', 'steps', [el('summary', null, 'All ' + s.steps.length + ' steps')]);
        all.appendChild(steps(s.steps));
        box.appendChild(all);
      } else {
        box.appendChild(steps(s.steps));
      }
    } else {
      box.appendChild(el('p', null, 'No steps.'));
    }
    s.description.forEach(function (d) { box.appendChild(el('p', null, d)); });
    if (s.passage) {
      var details = el('details', null, [el('summary', null, 'Source passage')]);
      details.appendChild(el('div', 'passage',
        ['…' + s.passage[0], el('mark', null, s.passage[1]), s.passage[2] + '…']));
      box.appendChild(details);
    }
    return box;
  }

  function card(c) {
    var section = el('section', 'conflict');
    section.setAttribute('data-kind', c.kind);
    section.appendChild(el('h2', null, [el('span', 'kind kind-' + c.kind, c.kind), c.title]));
    section.appendChild(el('p', 'key', c.key));
    c.lines.forEach(function (line) { section.appendChild(el('p', null, line)); });
    if (c.table) {
      section.appendChild(table(c.table.head, c.table.rows.map(function (r) {
        return { cls: r.cls || null, cells: r.cells };
      })));
    }
    if (c.against.length) {
      section.appendChild(el('p', null, 'Evidence against:'));
      section.appendChild(el('ul', null, c.against.map(function (a) { return el('li', null, a); })));
    }
    // A field many sources give has a side per source: the first few are shown, the rest
    // are built when opened, so that a big queue renders quickly.
    section.appendChild(el('div', 'sides', c.sides.slice(0, 4).map(side)));
    if (c.sides.length > 4) {
      var rest = el('details', 'more-sides', [el('summary', null, (c.sides.length - 4) + ' more sources')]);
      rest.addEventListener('toggle', function () {
        if (rest.open && rest.children.length === 1) {
          rest.appendChild(el('div', 'sides', c.sides.slice(4).map(side)));
        }
      });
      section.appendChild(rest);
    }
    section.appendChild(actions(c));
    if (c.decided && c.decided.length) {
      section.className += ' decided';
      section.appendChild(el('p', 'decision', 'Decided: ' + c.decided.join('; ')));
    }
    if (token) { return section; }
    section.appendChild(el('p', null, 'Or record it from a terminal:'));
    c.commands.forEach(function (cmd) { section.appendChild(el('pre', null, [el('code', null, cmd)])); });
    return section;
  }

  function button(label, action, body) {
    var b = el('button', null, label);
    b.type = 'button';
    b.setAttribute('data-action', action);
    b.addEventListener('click', function () { decide(body); });
    return b;
  }

  function actions(c) {
    var box = el('div', 'actions');
    if ((c.kind === 'merge' || c.kind === 'name') && c.mentions.length === 2) {
      box.appendChild(button('same (s)', 'same', { kind: 'same', mentions: c.mentions }));
      box.appendChild(button('different (d)', 'different', { kind: 'different', mentions: c.mentions }));
    }
    if (c.kind === 'field' && c.field) {
      c.values.forEach(function (v) {
        box.appendChild(button('prefer ' + v.label, 'prefer',
          { kind: 'prefer', mentions: [v.mention], field: c.field, source: v.mention }));
      });
    }
    if (c.kind === 'unnamed' || c.kind === 'merge' || c.kind === 'name') {
      var name = el('input');
      name.type = 'text';
      name.placeholder = 'name';
      name.setAttribute('data-rename', c.mentions[0]);
      var rename = el('button', null, 'rename');
      rename.type = 'button';
      rename.setAttribute('data-action', 'rename');
      rename.addEventListener('click', function () {
        if (name.value.trim()) { decide({ kind: 'rename', mentions: [c.mentions[0]], name: name.value.trim() }); }
      });
      box.appendChild(name);
      box.appendChild(rename);
    }
    c.mentions.slice(0, 2).forEach(function (m, i) {  // a field's many givers: reject from their own items
      box.appendChild(button(i === 0 ? 'reject (r)' : 'reject ' + m, 'reject', { kind: 'reject', mentions: [m] }));
    });
    return box;
  }

  function post(path, body) {
    return fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Review-Token': token },
      body: JSON.stringify(body || {})
    }).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) { throw new Error(j.error || String(r.status)); }
        return j;
      });
    });
  }

  function say(message) { status.textContent = message; }

  function touches(c, mentions) {
    return c.mentions.some(function (m) { return mentions.indexOf(m) >= 0; });
  }

  // Whether a decision settles an item: the rule of page.decides on the server.
  function decides(c, d) {
    var said = d.mentions;
    if (d.kind === 'same' || d.kind === 'different') {
      return c.mentions.length === 2 && c.mentions.every(function (m) { return said.indexOf(m) >= 0; });
    }
    if (d.kind === 'prefer') { return c.kind === 'field' && d.field === c.field && c.mentions.indexOf(said[0]) >= 0; }
    if (d.kind === 'reject') { return c.mentions.length <= 2 && c.mentions.indexOf(said[0]) >= 0; }
    return d.kind === 'rename' && (c.kind === 'unnamed' || c.kind === 'name') && c.mentions.indexOf(said[0]) >= 0;
  }

  function words(body) {
    var text = body.kind + ' ' + body.mentions.join(' and ');
    if (body.kind === 'rename') { text += ' to ' + JSON.stringify(body.name); }
    if (body.kind === 'prefer') { text += ': ' + body.field + ' = ' + body.source; }
    return text;
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function mark(d, textOf) {
    data.forEach(function (c) {
      if (decides(c, d)) { c.decided = (c.decided || []).filter(function (t) { return t !== textOf; }).concat([textOf]); }
    });
  }

  function unmark(mentions, removed) {
    data.forEach(function (c) {
      if (touches(c, mentions)) {
        c.decided = (c.decided || []).filter(function (t) { return removed.indexOf(t) < 0; });
      }
    });
  }

  function decide(body) {
    if (!token) {  // offline: collected here, exported for `pipeline review apply`
      var known = pending.some(function (p) { return same(p, body); });
      if (!known) { pending.push(body); }
      mark(body, words(body));
      say((known ? 'already collected: ' : 'collected: ') + words(body));
      redraw(body.mentions);
      return null;
    }
    return post('/api/decide', body).then(function (j) {
      mark(j, j.text);
      say((j.recorded ? 'recorded: ' : 'already recorded: ') + j.text);
      redraw(j.mentions);
    }).catch(function (err) { say('not recorded: ' + err.message); });
  }

  function undo() {
    if (!token) {
      var last = pending.pop();
      if (!last) { say('nothing undone: no decision collected'); return null; }
      unmark(last.mentions, [words(last)]);
      say('undone: ' + words(last));
      redraw(last.mentions);
      return null;
    }
    return post('/api/undo', {}).then(function (j) {
      unmark(j.mentions, j.removed);
      say('undone: ' + j.removed.join('; '));
      redraw(j.mentions);
    }).catch(function (err) { say('nothing undone: ' + err.message); });
  }

  function focus(k) {
    if (!shown.length) { return; }
    current = Math.max(0, Math.min(k, shown.length - 1));
    var nodes = list.querySelectorAll('.conflict');
    Array.prototype.forEach.call(nodes, function (n, i) { n.classList.toggle('current', i === current); });
    if (nodes[current] && nodes[current].scrollIntoView) { nodes[current].scrollIntoView({ block: 'nearest' }); }
  }

  function key(event) {
    if (event.target && /^(INPUT|SELECT|TEXTAREA)$/.test(event.target.tagName)) {
      if (event.key === 'Escape') { event.target.blur(); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var c = shown[current];
    if (event.key === 'j') { focus(current + 1); } else if (event.key === 'k') { focus(current - 1); } else if (event.key === '/') {
      event.preventDefault(); text.focus();
    } else if (event.key === 'u') { undo(); } else if (!c) { return; } else if (event.key === 's' && c.mentions.length === 2) {
      decide({ kind: 'same', mentions: c.mentions });
    } else if (event.key === 'd' && c.mentions.length === 2) {
      decide({ kind: 'different', mentions: c.mentions });
    } else if (event.key === 'r') { decide({ kind: 'reject', mentions: [c.mentions[0]] }); }
  }

  var order = {
    score: function (a, b) { return (b.score === null ? -1 : b.score) - (a.score === null ? -1 : a.score); },
    kind: function (a, b) { return a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0; },
    source: function (a, b) { var x = a.sources.join(' '), y = b.sources.join(' '); return x < y ? -1 : x > y ? 1 : 0; },
    exercise: function (a, b) { var x = a.title.toLowerCase(), y = b.title.toLowerCase(); return x < y ? -1 : x > y ? 1 : 0; }
  };

  function apply() {
    var k = kind.value, t = text.value.toLowerCase(), src = source.value;
    var lo = scoreMin.value === '' ? null : Number(scoreMin.value);
    var hi = scoreMax.value === '' ? null : Number(scoreMax.value);
    var matching = data.filter(function (c) {
      if (k && c.kind !== k) { return false; }
      if (src && c.sources.indexOf(src) < 0) { return false; }
      if ((lo !== null || hi !== null) && c.score === null) { return false; }
      if (lo !== null && c.score < lo) { return false; }
      if (hi !== null && c.score > hi) { return false; }
      return !t || c.search.indexOf(t) >= 0;
    });
    if (order[sort.value]) {  // a stable sort: equal items keep the queue's order
      matching = matching.map(function (c, i) { return [c, i]; }).sort(function (a, b) {
        return order[sort.value](a[0], b[0]) || a[1] - b[1];
      }).map(function (pair) { return pair[0]; });
    }
    shown = matching.slice(0, limit);
    list.textContent = '';
    nodes = shown.map(function (c) { var node = card(c); list.appendChild(node); return node; });
    if (!matching.length) { list.appendChild(el('p', 'empty', 'No item matches these filters.')); }
    count.textContent = matching.length + ' matching, ' + shown.length + ' shown';
    more.hidden = shown.length >= matching.length;
    counts();
  }

  function counts() {
    var decided = data.filter(function (c) { return c.decided && c.decided.length; }).length;
    progress.textContent = decided + ' decided / ' + (data.length - decided) + ' open';
    exportButton.hidden = token !== null || !pending.length;
    exportButton.textContent = 'Export ' + pending.length + ' decision(s)';
    focus(current);
  }

  // After a decision only the items it touches are drawn again, not the whole list.
  function redraw(mentions) {
    shown.forEach(function (c, i) {
      if (touches(c, mentions)) {
        var node = card(c);
        list.replaceChild(node, nodes[i]);
        nodes[i] = node;
      }
    });
    counts();
  }

  kind.addEventListener('change', function () { limit = pageSize; apply(); });
  [source, sort].forEach(function (node) {
    node.addEventListener('change', function () { limit = pageSize; current = 0; apply(); });
  });
  [scoreMin, scoreMax].forEach(function (node) {
    node.addEventListener('input', function () { limit = pageSize; current = 0; apply(); });
  });
  exportButton.addEventListener('click', function () {
    var file = JSON.stringify({ version: 1, decisions: pending }, null, 2) + '\n';
    var link = el('a');
    link.href = URL.createObjectURL(new Blob([file], { type: 'application/json' }));
    link.download = 'decisions-export.json';
    document.body.appendChild(link);
    link.click();
    link.remove();
    say('exported ' + pending.length + ' decision(s): record them with `pipeline review apply FILE`');
  });
  document.addEventListener('keydown', key);
  text.addEventListener('input', function () { limit = pageSize; apply(); });
  more.addEventListener('click', function () { limit += pageSize; apply(); });
  Array.prototype.forEach.call(document.querySelectorAll('[data-filter-kind]'), function (b) {
    b.addEventListener('click', function () {
      kind.value = b.getAttribute('data-filter-kind'); limit = pageSize; apply();
    });
  });
  if (token) {
    rebuild.hidden = false;
    rebuild.addEventListener('click', function () {
      say('rebuilding…');
      rebuild.disabled = true;
      post('/api/rebuild', {}).then(function (j) {
        say('rebuilt (' + j.conflicts + ' items to review); reloading');
        window.location.reload();
      }).catch(function (err) { rebuild.disabled = false; say('rebuild failed: ' + err.message); });
    });
  }
  apply();
})();
