/** Every page of a list call: `fetch(token)` returns a page's items and the next token, until there is none. */
export async function allPages<T>(fetch: (token?: string) => Promise<{ items?: T[]; next?: string }>): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    out.push(...(page.items ?? []));
    token = page.next;
  } while (token);
  return out;
}
