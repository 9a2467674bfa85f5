// A printable one-page case summary of one young person (?id=<uuid>): reference, age, state,
// placement, the 12-month committed budget by financial year, and each care plan's cost to the
// 25th birthday from the newest stored projection (best case P10, expected, worst case P90).
// Signs in as the comparison page does (sessionStorage, same key); texts go on the page as text.
// The downloads fetch with the bearer header, so the token is never in an address.

(() => {
  const TOKEN_KEY = 'pathcast.token';
  const pounds = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 });
  const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const longMonth = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const STATES = {"home":"At home (universal services)","early_help":"At home with early help","edge_of_care":"Edge of care (intensive intervention)","cin_cp":"Child in need or on a protection plan","kinship_foster":"Kinship (connected person) foster care","inhouse_foster":"In-house foster care","ifa_foster":"Agency (IFA) foster care","residential":"Residential children’s home","secure_home":"Secure children’s home","supported_accommodation":"Supported accommodation (16-17)","placed_for_adoption":"Placed for adoption (before the order)","placed_with_parents":"Placed with parents while looked after","other_placement":"Other placement","youth_custody":"Youth custody","sgo":"Special guardianship","adopted":"Adopted","returned_home":"Returned home from care","staying_put":"Staying put with former foster carers","supported_lodgings":"Supported lodgings or semi-independent","independent_eet":"Independent, in education, employment or training","independent_neet":"Independent, not in education, employment or training","adult_custody":"Custody (18 and over)","homeless":"Homeless","adult":"Adult, not a care leaver"};
  const $ = (id) => document.getElementById(id);

  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    Object.keys(attributes || {}).forEach((key) => {
      if (key === 'text') node.textContent = attributes[key];
      else node.setAttribute(key, attributes[key]);
    });
    (children || []).forEach((child) => {
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  const day = (iso) => longDate.format(new Date(iso.slice(0, 10) + 'T00:00:00Z'));
  const stateLabel = (id) => STATES[id] || id;
  const fyText = (label) => 'Financial year ' + label;

  function showError(message) {
    $('error').textContent = message || '';
    $('error').hidden = !message;
  }

  function request(path) {
    return fetch(path, { headers: { authorization: 'Bearer ' + sessionStorage.getItem(TOKEN_KEY), accept: 'application/json' } }).then((response) => {
      if (response.ok) return response;
      return response.json().catch(() => ({})).then((problem) => {
        const error = new Error(problem.detail || problem.title || 'The service answered ' + response.status);
        error.status = response.status;
        throw error;
      });
    });
  }
  const api = (path) => request(path).then((r) => r.json());

  function download(path) {
    return request(path).then((response) => {
      const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') || '');
      return response.blob().then((blob) => {
        const link = el('a', { href: URL.createObjectURL(blob), download: name ? name[1] : 'pathcast-export.xlsx' });
        document.body.appendChild(link);
        link.click();
        link.remove();
      });
    });
  }

  function table(node, headers, rows, totalRow) {
    while (node.firstChild) node.removeChild(node.firstChild);
    node.appendChild(el('thead', {}, [el('tr', {}, headers.map((h, k) => el('th', { scope: 'col', class: k ? 'num' : '', text: h })))]));
    const body = el('tbody');
    rows.forEach((row, r) => {
      const isTotal = totalRow && r === rows.length - 1;
      body.appendChild(el('tr', isTotal ? { class: 'total' } : {}, row.map((cell, k) => (k ? el('td', { class: 'num', text: cell }) : el('th', { scope: 'row', text: cell })))));
    });
    node.appendChild(body);
  }

  function render(id) {
    return Promise.all([
      api('/v1/young-people/' + encodeURIComponent(id)),
      api('/v1/young-people/' + encodeURIComponent(id) + '/budget'),
      api('/v1/young-people/' + encodeURIComponent(id) + '/care-plans'),
      api('/v1/young-people/' + encodeURIComponent(id) + '/projections?limit=1'),
    ]).then((answers) => {
      const person = answers[0];
      const budget = answers[1];
      const plans = answers[2].items;
      const newest = answers[3].items[0];
      return (newest ? api('/v1/pathway-projections/' + newest.id) : Promise.resolve(null)).then((projection) => {
        $('sign-in').hidden = true;
        $('summary').hidden = false;
        document.title = 'pathcast: case summary for ' + person.reference;
        $('summary-heading').textContent = 'Case summary: ' + person.reference;
        $('printed').textContent = 'Printed ' + longDate.format(new Date()) + '. Pseudonymous reference only; cash at the prices charged unless stated.';
        const facts = $('facts');
        while (facts.firstChild) facts.removeChild(facts.firstChild);
        const fact = (term, value) => { facts.appendChild(el('dt', { text: term })); facts.appendChild(el('dd', { text: value })); };
        fact('Reference', person.reference);
        fact('Age', person.ageYears + ' (born ' + longMonth.format(new Date(Date.UTC(person.birthYear, person.birthMonth - 1, 1))) + ')');
        fact('Care state', stateLabel(person.careState));
        fact('Tier of need', String(person.tier));
        if (person.placement) fact('Placement', stateLabel(person.placement.type) + ' since ' + day(person.placement.startDate) + ', ' + pounds.format(person.placement.weeklyPrice) + ' a week');
        fact('Services', person.services.length ? person.services.map((s) => s.name + ' (' + pounds.format(s.weeklyCost) + ' a week)').join('; ') : 'None recorded');
        fact('Record last changed', day(person.updatedAt));

        $('budget-window').textContent = 'From ' + day(budget.from) + ' to ' + day(budget.until) + ': the placement and services as recorded.';
        table($('budget-table'), ['Period (financial years run April to March)', 'Committed'], budget.byFinancialYear.map((y) => [fyText(y.financialYear), pounds.format(y.amount)]).concat([['Next 12 months', pounds.format(budget.total)]]), true);

        const byName = {};
        if (projection) projection.result.plans.forEach((p) => { byName[p.name] = p; });
        const rows = plans.map((plan) => {
          const result = byName[plan.name];
          const name = plan.name + (plan.isCurrent ? ' (current course)' : '');
          if (!result) return [name, '–', '–', '–', '–'];
          const pv = result.total.discounted;
          return [name, pounds.format(pv.p10), pounds.format(pv.mean), pounds.format(pv.p90), pounds.format(result.total.cash.mean)];
        });
        table($('plans-table'), ['Plan', 'Best case (P10)', 'Expected (mean)', 'Worst case (P90)', 'Cash, expected'], rows.length ? rows : [['No care plans recorded', '–', '–', '–', '–']], false);
        if (projection) {
          $('projection-note').textContent =
            'Present value (' + projection.result.money.priceBase + ' prices, discounted) from ' + longMonth.format(new Date(projection.startMonth + '-01T00:00:00Z')) +
            ' to the 25th birthday; newest projection, made ' + day(projection.createdAt) + ' with ' + projection.runs.toLocaleString('en-GB') + ' runs. Best case: nine runs in ten cost more; worst case: nine in ten cost less.';
          $('comparison-text').textContent = projection.result.comparisons.map((c) => c.discounted.statement).join(' ');
          $('export-projection').hidden = false;
          $('export-projection').onclick = () => { download('/v1/pathway-projections/' + projection.id + '/export?format=xlsx').catch((e) => showError(e.message)); };
        } else {
          $('projection-note').textContent = 'No projection stored yet: run one from the comparison page.';
        }
        $('export-budget').onclick = () => { download('/v1/young-people/' + encodeURIComponent(id) + '/budget/export?format=xlsx').catch((e) => showError(e.message)); };
        document.body.setAttribute('data-ready', 'true');
      });
    });
  }

  function start() {
    const id = new URLSearchParams(location.search).get('id');
    if (!id) return showError('No young person chosen: open this page as case-summary.html?id=<the record’s id>.');
    render(id).catch((error) => {
      if (error.status === 401) {
        sessionStorage.removeItem(TOKEN_KEY);
        $('sign-in').hidden = false;
      }
      showError(error.message);
    });
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('print').addEventListener('click', () => window.print());
    $('sign-in-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const value = $('token').value.trim();
      if (!value) return showError('Enter your API token.');
      sessionStorage.setItem(TOKEN_KEY, value);
      $('token').value = '';
      showError('');
      start();
    });
    if (sessionStorage.getItem(TOKEN_KEY)) start();
    else $('sign-in').hidden = false;
  });
})();
