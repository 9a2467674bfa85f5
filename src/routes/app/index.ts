import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DEFAULT_CARE_STATES } from '../../catalog/vocabulary.ts';

/**
 * The page for heads of service and the board, at /app: static HTML, CSS, a small script and the
 * care states' names, public like the API docs (they hold no data). Everything on the page comes from the
 * API with the token the user enters, so the page needs no session of its own, and the API's
 * roles decide what each user sees.
 */

const here = new URL('./static/', import.meta.url);
const files = {
  'index.html': { type: 'text/html; charset=utf-8', body: readFileSync(new URL('index.html', here)) },
  'app.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(new URL('app.js', here)) },
  'app.css': { type: 'text/css; charset=utf-8', body: readFileSync(new URL('app.css', here)) },
  // The borough at a glance and the printable case summary: pages of their own, same sign-in.
  'borough.html': { type: 'text/html; charset=utf-8', body: readFileSync(new URL('borough.html', here)) },
  'borough.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(new URL('borough.js', here)) },
  'case-summary.html': { type: 'text/html; charset=utf-8', body: readFileSync(new URL('case-summary.html', here)) },
  'case-summary.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(new URL('case-summary.js', here)) },
  'pages.css': { type: 'text/css; charset=utf-8', body: readFileSync(new URL('pages.css', here)) },
  // The care states' names for the search form, from the one vocabulary the API validates against.
  'care-states.json': {
    type: 'application/json; charset=utf-8',
    body: Buffer.from(JSON.stringify(DEFAULT_CARE_STATES.map((s) => ({ id: s.id, label: s.label })))),
  },
  // The balanced scorecard and team views (issue 17), on their own page.
  'scorecard.html': { type: 'text/html; charset=utf-8', body: readFileSync(new URL('scorecard.html', here)) },
  'scorecard.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(new URL('scorecard.js', here)) },
  'scorecard.css': { type: 'text/css; charset=utf-8', body: readFileSync(new URL('scorecard.css', here)) },
} as const;

export default async function appRoutes(fastify: FastifyInstance) {
  const serve = (name: keyof typeof files) => async (_request: unknown, reply: FastifyReply) =>
    reply.header('content-type', files[name].type).header('cache-control', 'no-cache').send(files[name].body);
  const options = { config: { public: true }, schema: { hide: true } };
  fastify.get('/app', options, serve('index.html'));
  fastify.get('/app/', options, serve('index.html'));
  fastify.get('/app/app.js', options, serve('app.js'));
  fastify.get('/app/app.css', options, serve('app.css'));
  for (const name of ['borough.html', 'borough.js', 'case-summary.html', 'case-summary.js', 'pages.css'] as const) fastify.get(`/app/${name}`, options, serve(name));
  fastify.get('/app/care-states.json', options, serve('care-states.json'));
  fastify.get('/app/scorecard.html', options, serve('scorecard.html'));
  fastify.get('/app/scorecard.js', options, serve('scorecard.js'));
  fastify.get('/app/scorecard.css', options, serve('scorecard.css'));
}
