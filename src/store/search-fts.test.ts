import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Study } from "../model/study.js";
import { bestScored, textMatches } from "./search-fts.js";
import { searchSnapshot } from "./search-snapshot.js";
import { openStore } from "./sqlite.js";

const prov = { sourceKind: "ctgov-v2-json" as const, source: "test", importedAt: "2026-01-01T00:00:00Z" };

/** Titles that mention "cancer" 0–3 times among filler words: many exact BM25 ties. */
function study(i: number, mentions: number, filler: number): Study {
  const words = [...Array(mentions).fill("cancer"), ...Array(filler).fill("trial")].join(" ");
  return { protocolSection: { identificationModule: { nctId: `NCT${String(1_000_000 + ((i * 7919) % 1_000_000)).padStart(8, "0")}`, briefTitle: words } } } as unknown as Study;
}

test("property: bestScored gives the best of any subset by BM25, ties by the tie key, as scoring every match would", () => {
  const store = openStore(":memory:");
  try {
    store.transaction(() => {
      for (let i = 0; i < 300; i++) store.upsert(study(i, 1 + (i % 3), i % 4), prov);
    });
    const db = store.db;
    const snap = searchSnapshot(db, false);
    const all = textMatches(db, snap, "cancer", true);
    assert.equal(all.idx.length, 300);
    const tie = snap.cols.nctRank;
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 299 }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 60 }), (ks, want) => {
        // A subset of the matches, as filters would leave (ascending idx).
        const positions = [...ks].sort((a, b) => a - b);
        const idx = Int32Array.from(positions, (k) => all.idx[k]);
        const expected = positions
          .map((k) => ({ i: all.idx[k], s: all.score![k] }))
          .sort((a, b) => a.s - b.s || tie[a.i] - tie[b.i])
          .slice(0, want);
        const best = bestScored(db, snap, "cancer", idx, all.idx.length, want, tie);
        assert.deepEqual([...best.idx], expected.map((e) => e.i));
        assert.deepEqual([...best.score], expected.map((e) => e.s));
        assert.equal(best.complete, positions.length <= want);
      }),
      { numRuns: 300 },
    );
  } finally {
    store.close();
  }
});

test("bestScored reads further when the subset's studies rank last (filters that keep only poor matches)", () => {
  const store = openStore(":memory:");
  try {
    store.transaction(() => {
      for (let i = 0; i < 400; i++) store.upsert(study(i, i < 390 ? 3 : 1, 6), prov);
    });
    const db = store.db;
    const snap = searchSnapshot(db, false);
    const all = textMatches(db, snap, "cancer", true);
    // Only the ten weakest matches pass: the first rows SQLite returns are all filtered out.
    const weakest = [...all.idx.keys()].sort((a, b) => all.score![b] - all.score![a]).slice(0, 10).sort((a, b) => a - b);
    const idx = Int32Array.from(weakest, (k) => all.idx[k]);
    const best = bestScored(db, snap, "cancer", idx, all.idx.length, 4, snap.cols.nctRank);
    assert.equal(best.idx.length, 4);
    for (const i of best.idx) assert.ok(idx.includes(i));
    assert.ok(!best.complete);
  } finally {
    store.close();
  }
});
