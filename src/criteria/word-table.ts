/**
 * A fixed set of words, looked up by a range of a text's characters: the scanners ask "is the
 * word at [from, to) one of these?" for every word of every criterion, and most words are not —
 * so no string is cut from the text to ask (a Map would need one per word).
 * Open addressing over an FNV-1a hash of the UTF-16 code units.
 */
export function hashRange(s: string, from: number, to: number): number {
  let h = 0x811c9dc5 | 0;
  for (let k = from; k < to; k++) h = Math.imul(h ^ s.charCodeAt(k), 16777619);
  return h;
}

export class WordTable {
  readonly words: readonly string[];
  /** Index into words and hashes, or -1 for an empty slot; the length is a power of two. */
  private readonly slots: Int32Array;
  private readonly hashes: Int32Array;

  constructor(words: Iterable<string>) {
    this.words = [...words];
    let size = 16;
    while (size < this.words.length * 2) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.hashes = new Int32Array(this.words.length);
    this.words.forEach((w, i) => {
      const h = (this.hashes[i] = hashRange(w, 0, w.length));
      let slot = h & (size - 1);
      while (this.slots[slot] !== -1) slot = (slot + 1) & (size - 1);
      this.slots[slot] = i;
    });
  }

  /** The index in `words` of the word equal to text[from, to), or -1. */
  find(text: string, from: number, to: number): number {
    const h = hashRange(text, from, to);
    const mask = this.slots.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const w = this.slots[slot];
      if (w === -1) return -1;
      if (this.hashes[w] === h && this.words[w].length === to - from && text.startsWith(this.words[w], from)) return w;
    }
  }
}
