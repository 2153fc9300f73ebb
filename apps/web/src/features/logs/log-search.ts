/** Pieces of a line for highlighting: matches of `query` (case-insensitive) are marked. */
export interface TextPiece {
  text: string;
  match: boolean;
}

export function splitMatches(text: string, query: string): TextPiece[] {
  if (query === "") return [{ text, match: false }];
  const lower = text.toLowerCase();
  const needle = query.toLowerCase();
  const pieces: TextPiece[] = [];
  let from = 0;
  for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + needle.length)) {
    if (at > from) pieces.push({ text: text.slice(from, at), match: false });
    pieces.push({ text: text.slice(at, at + needle.length), match: true });
    from = at + needle.length;
  }
  if (from < text.length || pieces.length === 0) pieces.push({ text: text.slice(from), match: false });
  return pieces;
}

export function lineMatches(text: string, query: string): boolean {
  return query !== "" && text.toLowerCase().includes(query.toLowerCase());
}
