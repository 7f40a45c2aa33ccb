/**
 * The few static files the server's own pages use, kept as strings so there is no build step
 * until the React tab arrives. Scripts are files, never inline, so the CSP can forbid inline script.
 */
export const TRELLIS_CSS = `
:root { font-family: "Segoe UI", system-ui, sans-serif; color: #242424; background: #fafafa; }
body { max-width: 72rem; margin: 0 auto; padding: 1.5rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; } h2 { font-size: 1.25rem; margin-top: 1.5rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; background: #fff; }
th, td { border: 1px solid #d1d1d1; padding: .35rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #f0f0f0; }
button { font: inherit; padding: .3rem .8rem; border: 1px solid #5b5fc7; background: #5b5fc7; color: #fff; border-radius: 4px; cursor: pointer; }
button.secondary { background: #fff; color: #5b5fc7; }
.muted { color: #616161; } .link { font-family: monospace; } .notice { border-left: 4px solid #c4314b; padding-left: .5rem; }
.confidential { color: #c4314b; } .banner { background: #fff4ce; padding: .5rem .75rem; border-radius: 4px; }
iframe.mail { width: 100%; min-height: 18rem; border: 1px solid #d1d1d1; background: #fff; }
.persona-list { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: .5rem; list-style: none; padding: 0; }
.persona-list li { background: #fff; border: 1px solid #e0e0e0; border-radius: 4px; padding: .5rem; }
`;

/** `/`: who is signed in (token in localStorage) and their cases, fetched from the API. */
export const HOME_JS = `
(function () {
  'use strict';
  var token = localStorage.getItem('trellis.token');
  var who = document.getElementById('who');
  var list = document.getElementById('cases');
  function text(el, value) { el.textContent = value; }
  function cell(row, value) { var td = document.createElement('td'); td.textContent = value == null ? '' : String(value); row.appendChild(td); return td; }
  if (!token) { text(who, 'Not signed in.'); return; }
  fetch('/api/cases?mine=false&limit=100', { headers: { Authorization: 'Bearer ' + token } })
    .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
    .then(function (res) {
      if (!res.ok) { text(who, 'Signed-in token not accepted: ' + (res.body.detail || res.status) + ' Sign in again.'); localStorage.removeItem('trellis.token'); return; }
      var payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      text(who, 'Signed in as ' + (payload.name || '') + ' (' + (payload.preferred_username || '') + ')' + (payload.roles && payload.roles.length ? ' — ' + payload.roles.join(', ') : '') + '. ' + res.body.total + ' case(s) you can see.');
      var tbody = list.querySelector('tbody');
      res.body.items.forEach(function (c) {
        var row = document.createElement('tr');
        var ref = cell(row, '');
        var a = document.createElement('a'); a.textContent = c.reference; a.href = '#'; a.addEventListener('click', function (e) {
          e.preventDefault();
          fetch('/api/cases/' + encodeURIComponent(c.id) + '/form', { headers: { Authorization: 'Bearer ' + token } })
            .then(function (r) { return r.text(); })
            .then(function (html) { var w = window.open('', '_blank'); if (w) { w.document.open(); w.document.write(html); w.document.close(); } });
        });
        ref.appendChild(a);
        cell(row, c.traineeName); cell(row, c.procedureId); cell(row, c.stageId); cell(row, c.status.replace(/_/g, ' ') + (c.paused ? ' (paused)' : ''));
        cell(row, c.nextReviewDate || ''); cell(row, c.programme);
        tbody.appendChild(row);
      });
      list.hidden = false;
    })
    .catch(function () { text(who, 'Could not reach the API.'); });
  var out = document.getElementById('sign-out');
  if (out) out.addEventListener('click', function () { localStorage.removeItem('trellis.token'); location.reload(); });
})();
`;
