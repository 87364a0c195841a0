/**
 * Where to send the browser after sign-in or sign-up (`?next=`): a path on `origin`, or "/".
 * Decided by parsing, as the browser will: `new URL` resolves `next` against our origin the
 * way navigation does — `\` read as `/`, tabs and newlines dropped, `//host` naming another
 * host — so `/\evil.example` or `/<TAB>/evil.example` resolve off-site and are refused,
 * whereas a prefix check on the string passes them. Only the path, query and fragment of an
 * accepted URL are kept, with leading slashes collapsed to one: `/..//evil.example` parses
 * to the path `//evil.example` on our origin, which as a link would name another host.
 */
export function sameOriginPath(next: string | null | undefined, origin: string): string {
  if (!next) return "/";
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return "/";
  }
  if (url.origin !== new URL(origin).origin) return "/";
  return `${url.pathname.replace(/^\/+/, "/")}${url.search}${url.hash}`;
}
