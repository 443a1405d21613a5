/**
 * Whether a page's content keeps its `q`/`Q` balanced (PDF 32000-1 §8.4.2). A page re-laid by wrapping its content
 * in `q <cm> <clip> … Q` stays in its area only if its content never restores more states than it saved and leaves
 * none open: an extra `Q` would pop the frame's transformation and let the scan draw over the bands. Strings, hex
 * strings, comments, names and inline image data are skipped so that their bytes are not read as operators.
 */
// Sets of number | undefined: a read past the end (b[n]) is in neither.
const WHITE = new Set<number | undefined>([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIM = new Set<number | undefined>([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);

export function saveRestoreBalanced(b: Uint8Array): boolean {
  let depth = 0;
  let i = 0;
  const n = b.length;
  const regularEnd = (from: number): number => {
    let j = from;
    while (j < n && !WHITE.has(b[j]) && !DELIM.has(b[j])) j++;
    return j;
  };
  while (i < n) {
    const c = b[i];
    if (WHITE.has(c)) {
      i++;
    } else if (c === 0x25) {
      while (i < n && b[i] !== 0x0a && b[i] !== 0x0d) i++; // % comment
    } else if (c === 0x28) {
      // (string), nested parentheses balanced, backslash escapes
      let nest = 0;
      for (; i < n; i++) {
        if (b[i] === 0x5c) i++;
        else if (b[i] === 0x28) nest++;
        else if (b[i] === 0x29 && --nest === 0) break;
      }
      i++;
    } else if (c === 0x3c) {
      if (b[i + 1] === 0x3c) i += 2;
      else {
        while (i < n && b[i] !== 0x3e) i++; // <hex string>
        i++;
      }
    } else if (c === 0x2f) {
      i = regularEnd(i + 1); // /Name
    } else if (DELIM.has(c)) {
      i++;
    } else {
      const end = regularEnd(i);
      const len = end - i;
      if (len === 1 && c === 0x71)
        depth++; // q
      else if (len === 1 && c === 0x51 && --depth < 0)
        return false; // Q
      else if (len === 2 && c === 0x49 && b[i + 1] === 0x44) {
        // ID: inline image data up to whitespace, EI, and whitespace or the end
        let j = end + 1;
        while (
          j < n &&
          !(
            WHITE.has(b[j - 1]) &&
            b[j] === 0x45 &&
            b[j + 1] === 0x49 &&
            (j + 2 >= n || WHITE.has(b[j + 2]) || DELIM.has(b[j + 2]))
          )
        )
          j++;
        i = j + 2;
        continue;
      }
      i = Math.max(end, i + 1);
    }
  }
  return depth === 0;
}
