/**
 * Requests that web pages of other sites send to the local server through the user's browser are refused before
 * any route runs:
 *  - DNS rebinding: a page whose own domain name is made to resolve to 127.0.0.1 reaches the server as "same
 *    origin" and could read every answer. On a server bound to a loopback address, the Host header must name a
 *    loopback host (localhost, *.localhost, 127.x.x.x, [::1]); browsers send the page's own name there.
 *  - Cross-site writes (CSRF): `fetch(url, { method: 'POST', mode: 'no-cors', body: blob })` needs no CORS
 *    preflight and carries no Content-Type, so the page cannot read the answer but the request is served. A request
 *    other than GET/HEAD that carries an Origin (browsers always send one on POST) must come from the server's own
 *    origin (the portal's own pages, over http or, behind a proxy, https); `Sec-Fetch-Site` other than same-origin
 *    or none is refused too.
 * Programs (the AWS SDK in the handlers, curl) send no Origin and the address they connect to as Host: unaffected.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from './http-error.js';

/** The host part of a Host header (`[::1]:80` → `[::1]`, `localhost:7878` → `localhost`), lower-cased. */
function hostName(host: string): string {
  const lower = host.trim().toLowerCase();
  if (lower.startsWith('[')) {
    const end = lower.indexOf(']');
    return end < 0 ? lower : lower.slice(0, end + 1);
  }
  const colon = lower.indexOf(':');
  return colon < 0 ? lower : lower.slice(0, colon);
}

/** A name every browser resolves to this machine only (RFC 6761 `localhost`, the 127/8 block, IPv6 ::1). */
function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return /^[a-z0-9.-]+$/.test(name);
  if (name === '[::1]' || name === '::1') return true;
  const octets = name.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}

/** The address a server listens on is this machine only (then the Host header is checked). */
export function isLoopbackAddress(address: string): boolean {
  return isLoopbackName(address.toLowerCase()) || address === '::ffff:127.0.0.1';
}

const shown = (value: string) => JSON.stringify(value.slice(0, 100));

const refused = (message: string) => new HttpError(403, 'AccessDeniedException', message);

/** The refusal for a request that a page of another site sent, or undefined when it may be served. */
export function crossSiteRefusal(method: string, headers: IncomingHttpHeaders, loopbackOnly: boolean): HttpError | undefined {
  const host = headers.host;
  if (loopbackOnly && host !== undefined && !isLoopbackName(hostName(host))) {
    return refused(
      `Host ${shown(host)} is not this server's address: it listens on this machine only, and answers requests for ` +
        'localhost or 127.0.0.1 (a web page that reaches it through its own domain name is refused).',
    );
  }
  if (method === 'GET' || method === 'HEAD') return undefined;
  const origin = headers.origin;
  const site = headers['sec-fetch-site'];
  // https too: the portal behind a TLS-terminating proxy that keeps the Host header.
  const own = host === undefined ? [] : [`http://${host.toLowerCase()}`, `https://${host.toLowerCase()}`];
  const sameOrigin = origin === undefined || own.includes(origin.toLowerCase());
  if (!sameOrigin || (site !== undefined && site !== 'same-origin' && site !== 'none')) {
    return refused(
      `${method} refused: the request comes from a page of another site (Origin ${shown(origin ?? 'not sent')}). ` +
        "This server takes changes only from programs and from its own pages; open the page from the server's own address.",
    );
  }
  return undefined;
}
