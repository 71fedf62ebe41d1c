// Characters as people count them (grapheme clusters), as the server counts them too
// (server/core/schemas.py characters).
const segmenter = typeof Intl !== 'undefined' && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;
/** How many characters a person sees: "👍🏽", "é" and "🇬🇧" are one each (grapheme clusters). */
export function characters(text) {
  if (!segmenter) return [...text].length;
  let n = 0;
  for (const _ of segmenter.segment(text)) n += 1;
  return n;
}
