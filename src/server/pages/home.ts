import { html, page } from '../http/html.js';

/**
 * `/` until the React tab exists (a later issue): an honest page that shows who is signed in
 * and their cases from the API, and where the API docs are. No framework, nothing inline.
 */
export function homePage(options: { readonly mode: 'local' | 'tenant' }): string {
  return page({
    title: 'Trellis',
    scripts: ['/assets/home.js'],
    body: html`
<h1>Trellis</h1>
<p class="banner">This is a placeholder page. The Teams tab (dashboard, case view, forms) comes in a later release; the REST API below is complete.</p>
<p id="who" class="muted">Loading…</p>
<p>${options.mode === 'local' ? html`<a href="/dev/sign-in">Sign in as a demo person</a> · <a href="/dev/outbox">Outbox</a> · ` : ''}<a href="/api/openapi.json">API description (OpenAPI 3.1)</a> · <button id="sign-out" class="secondary" type="button">Sign out</button></p>
<table id="cases" hidden>
<thead><tr><th scope="col">Case</th><th scope="col">Trainee</th><th scope="col">Procedure</th><th scope="col">Stage</th><th scope="col">Status</th><th scope="col">Next review</th><th scope="col">Programme</th></tr></thead>
<tbody></tbody>
</table>`,
  });
}
