// The balanced scorecard and team views (issue 17): reads GET /v1/scorecard and
// GET /v1/teams/{id}/scorecard with the token the comparison page keeps in sessionStorage
// (the same key, so signing in on either page serves both). Every figure comes from the API;
// the board's answers are already protected by the disclosure rule.
(() => {
  const TOKEN_KEY = 'pathcast.token';
  const $ = (id) => document.getElementById(id);

  function status(message) {
    $('status').textContent = message || '';
  }
  function showError(message) {
    $('error').textContent = message || '';
    $('error').hidden = !message;
  }
  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }
  function api(path) {
    return fetch(path, { headers: { authorization: 'Bearer ' + token(), accept: 'application/json' } }).then((response) =>
      response.json().then((body) => {
        if (!response.ok) {
          const error = new Error((body && (body.detail || body.title)) || 'HTTP ' + response.status);
          error.status = response.status;
          throw error;
        }
        return body;
      }),
    );
  }
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function formatValue(measure, value) {
    if (value === null || value === undefined) return '—';
    return measure.unit === 'percent' ? value.toFixed(1) + '%' : value.toFixed(1);
  }
  // A missing spend denominator is a team with no budget set, not a figure withheld (review).
  function formatCount(measure, x, isDenominator) {
    if ((x === null || x === undefined) && isDenominator && measure.kind === 'money') return 'no budget set';
    if (x === null || x === undefined) return 'withheld';
    if (typeof x === 'string') return x;
    if (measure.kind === 'money') return '£' + Math.round(x).toLocaleString('en-GB');
    return String(x);
  }
  // The value, then the colour's word and the figures on lines of their own: a line breaks only
  // between the numerator and "of …", never inside a figure, so a cell never runs into the next.
  // A spend with children whose price on the day is not known (review finding 4) is a floor:
  // "at least", no colour, and how many are unpriced ("<5" for the board).
  function ragCell(measure, cell) {
    const td = el('td', 'num');
    // A figure whose window begins before the borough's recorded history: no number, no colour,
    // only why (its counts would be artefacts of the missing years).
    if (cell.status === 'history_incomplete') {
      td.append(el('span', 'rag rag-none', 'Not available'));
      const why = el('span', 'sc-counts');
      why.append(el('span', 'sc-word', 'history starts ' + ukDate(new Date(cell.historyStart + 'T00:00:00Z'))));
      td.append(why);
      return td;
    }
    const incomplete = measure.kind === 'money' && cell.spendComplete === false;
    const word = incomplete ? 'Incomplete: ' + cell.unpricedChildren + ' unpriced' : cell.rag ? cell.rag[0].toUpperCase() + cell.rag.slice(1) : 'No colour';
    const value = formatValue(measure, cell.value);
    td.append(el('span', 'rag ' + (cell.rag ? 'rag-' + cell.rag : 'rag-none'), incomplete && cell.value !== null ? 'at least ' + value : value));
    const counts = el('span', 'sc-counts');
    // The spend known is the floor too: "at least £52,179 of £100,000", as the sheet's numerator says.
    const floor = incomplete && typeof cell.numerator === 'number' ? 'at least ' : '';
    counts.append(el('span', 'sc-word', word), el('span', 'sc-fig', floor + formatCount(measure, cell.numerator)), ' ', el('span', 'sc-fig', 'of ' + formatCount(measure, cell.denominator, true)));
    td.append(counts);
    return td;
  }
  // "1 December 2026": the day a snapshot measure counts (today's open cases), named rather than
  // "today", so a printed or saved page still says which day it was (review finding 8).
  function ukDate(date) {
    return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  }
  // Each quarter's month and value kept on one line (a line broke inside "2025-06" at the hyphen).
  // The snapshot measures (the key-worker ones) count today's records at every asOf
  // (src/outcomes/scorecard.ts), so they name today; spend has a trend (priced at each quarter end).
  function trendCell(measure, trend, pick) {
    const td = el('td', 'sc-trend');
    if (!trend.length) {
      td.textContent = 'snapshot as at ' + ukDate(new Date());
      return td;
    }
    // Quarters before the recorded history are run together ("2023-12 to 2024-12: history
    // starts 9 January 2024") rather than shown as figures.
    let i = 0;
    while (i < trend.length) {
      if (i > 0) td.append(' · ');
      const cell = pick(trend[i]);
      if (cell && cell.status === 'history_incomplete') {
        let j = i;
        while (j + 1 < trend.length && pick(trend[j + 1]) && pick(trend[j + 1]).status === 'history_incomplete') j++;
        const span = trend[i].quarterEnd.slice(0, 7) + (j > i ? ' to ' + trend[j].quarterEnd.slice(0, 7) : '');
        td.append(el('span', 'sc-fig', span + ': history starts ' + ukDate(new Date(cell.historyStart + 'T00:00:00Z'))));
        i = j + 1;
        continue;
      }
      // A quarter's spend with unpriced children is a floor, as the now cell says.
      const floor = measure.kind === 'money' && cell.spendComplete === false && cell.value !== null ? 'at least ' : '';
      td.append(el('span', 'sc-fig', trend[i].quarterEnd.slice(0, 7) + ' ' + floor + formatValue(measure, cell.value)));
      i++;
    }
    return td;
  }

  function render(body, teamId) {
    const groups = $('groups');
    groups.replaceChildren();
    $('note').textContent = body.note;
    const teams = body.teams;
    for (const group of body.groups) {
      const table = el('table', 'sc-table');
      table.append(el('caption', '', group.label));
      const head = el('tr');
      const headings = ['Measure', 'Target'].concat(
        teamId ? [teams[0] ? teams[0].name : 'Team', 'Organisation', 'Trend by quarter (team)'] : ['Organisation'].concat(teams.map((t) => t.name), ['No team', 'Trend by quarter (organisation)']),
      );
      for (const h of headings) {
        const th = el('th', '', h);
        th.scope = 'col';
        head.append(th);
      }
      const thead = el('thead');
      thead.append(head);
      table.append(thead);
      const tbody = el('tbody');
      for (const m of group.measures) {
        const row = el('tr');
        const name = el('th', '', m.label);
        name.scope = 'row';
        name.append(el('span', 'sc-definition', m.definition));
        row.append(name);
        row.append(el('td', 'num', formatValue(m, m.target) + (m.direction === 'higher' ? ' or more' : ' or less')));
        if (teamId) {
          row.append(ragCell(m, m.teams[0]), ragCell(m, m.organisation));
          row.append(trendCell(m, m.trend, (q) => q.teams[0]));
        } else {
          row.append(ragCell(m, m.organisation));
          for (const cell of m.teams) row.append(ragCell(m, cell));
          // Young people with no team: with it the teams add up to the organisation.
          row.append(m.noTeam ? ragCell(m, m.noTeam) : el('td', 'num', '—'));
          // The organisation's quarters (review finding 8), as the team view shows a team's.
          row.append(trendCell(m, m.trend, (q) => q.organisation));
        }
        tbody.append(row);
      }
      table.append(tbody);
      // A wide table scrolls sideways inside its box rather than overlapping the page.
      const scroll = el('div', 'sc-scroll');
      scroll.append(table);
      groups.append(scroll);
    }
  }

  // Roles without individual access (the board) may read the scorecard at quarter ends only
  // (the API answers 400 for any other day, so consecutive days cannot be differenced): for a
  // protected answer the date box becomes a list of the quarter ends up to the answer's asOf
  // (the latest quarter end when none was chosen); for a full answer it is a date box again.
  const QUARTER_ENDS = ['03-31', '06-30', '09-30', '12-31'];
  function quarterEndsTo(day, count) {
    let year = Number(day.slice(0, 4));
    let q = QUARTER_ENDS.indexOf(day.slice(5));
    const out = [];
    for (let k = 0; k < count && q >= 0; k++) {
      out.push(year + '-' + QUARTER_ENDS[q]);
      q -= 1;
      if (q < 0) {
        q = 3;
        year -= 1;
      }
    }
    return out;
  }
  function fitDateBox(body) {
    const box = $('as-of');
    if (body.disclosure === 'protected') {
      let select = box;
      if (box.tagName !== 'SELECT') {
        select = document.createElement('select');
        select.id = 'as-of';
        box.replaceWith(select);
      }
      const latest = select.dataset.latest && select.dataset.latest > body.asOf ? select.dataset.latest : body.asOf;
      select.dataset.latest = latest;
      select.replaceChildren(
        ...quarterEndsTo(latest, 12).map((day) => {
          const option = document.createElement('option');
          option.value = day;
          option.textContent = day;
          return option;
        }),
      );
      select.value = body.asOf;
    } else if (box.tagName === 'SELECT') {
      const input = document.createElement('input');
      input.id = 'as-of';
      input.type = 'date';
      box.replaceWith(input);
    }
  }

  function load() {
    const teamId = $('view').value;
    const asOf = $('as-of').value;
    const query = '?quarters=8' + (asOf ? '&asOf=' + encodeURIComponent(asOf) : '');
    status('Loading…');
    showError('');
    return api((teamId ? '/v1/teams/' + encodeURIComponent(teamId) + '/scorecard' : '/v1/scorecard') + query)
      .then((body) => {
        render(body, teamId);
        fitDateBox(body);
        const label = teamId ? $('view').selectedOptions[0].textContent : 'the organisation';
        status('Scorecard for ' + label + ', year ending ' + body.asOf + (body.disclosure === 'protected' ? ' (small numbers hidden)' : '') + '.');
      })
      .catch((error) => {
        status('');
        showError(error.message);
      });
  }

  function start() {
    $('sign-in').hidden = true;
    status('Loading teams…');
    return api('/v1/teams')
      .then((body) => {
        const select = $('view');
        for (const team of body.items) {
          const option = el('option', '', 'Team: ' + team.name);
          option.value = team.id;
          select.append(option);
        }
        $('scorecard').hidden = false;
        $('session').hidden = false;
        return load();
      })
      .catch((error) => {
        if (error.status === 401) sessionStorage.removeItem(TOKEN_KEY);
        $('sign-in').hidden = false;
        status('');
        showError(error.status === 401 ? 'That token was not accepted: ' + error.message : error.message);
      });
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('sign-in-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const value = $('token').value.trim();
      if (!value) return showError('Enter your API token.');
      sessionStorage.setItem(TOKEN_KEY, value);
      $('token').value = '';
      start();
    });
    $('view-form').addEventListener('submit', (event) => {
      event.preventDefault();
      load();
    });
    $('sign-out').addEventListener('click', () => {
      sessionStorage.removeItem(TOKEN_KEY);
      location.reload();
    });
    if (token()) start();
    else $('sign-in').hidden = false;
  });
})();
