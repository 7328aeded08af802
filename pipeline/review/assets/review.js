(function () {
  'use strict';
  // The queue is data (a JSON block), never markup: every piece of article text reaches the
  // page through textContent, so nothing in an article can become an element or a script.
  var data = JSON.parse(document.getElementById('queue-data').textContent);
  var kind = document.getElementById('kind'), text = document.getElementById('text');
  var more = document.getElementById('more'), count = document.getElementById('count');
  var list = document.getElementById('conflicts');
  var pageSize = 200, limit = pageSize;

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
      box.appendChild(el('ol', null, s.steps.map(function (segments) {
        return el('li', null, segments.map(function (seg) {
          return seg[1] ? el('mark', null, seg[0]) : seg[0];
        }));
      })));
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
    section.appendChild(el('div', 'sides', c.sides.map(side)));
    section.appendChild(el('p', null, 'Record a decision:'));
    c.commands.forEach(function (cmd) { section.appendChild(el('pre', null, [el('code', null, cmd)])); });
    return section;
  }

  function apply() {
    var k = kind.value, t = text.value.toLowerCase();
    var matching = data.filter(function (c) {
      return (!k || c.kind === k) && (!t || c.search.indexOf(t) >= 0);
    });
    var shown = matching.slice(0, limit);
    list.textContent = '';
    shown.forEach(function (c) { list.appendChild(card(c)); });
    count.textContent = matching.length + ' matching, ' + shown.length + ' shown';
    more.hidden = shown.length >= matching.length;
  }

  kind.addEventListener('change', function () { limit = pageSize; apply(); });
  text.addEventListener('input', function () { limit = pageSize; apply(); });
  more.addEventListener('click', function () { limit += pageSize; apply(); });
  Array.prototype.forEach.call(document.querySelectorAll('[data-filter-kind]'), function (b) {
    b.addEventListener('click', function () {
      kind.value = b.getAttribute('data-filter-kind'); limit = pageSize; apply();
    });
  });
  apply();
})();
