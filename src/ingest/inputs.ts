/**
 * Walks import paths lazily: files, directories (recursively, in name order) and zip
 * archives (entry by entry, with yauzl). Each yielded input opens as a byte stream, so
 * no input is read before it is imported and a zip is never unpacked whole.
 */
import { createReadStream, promises as fsp } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import yauzl from "yauzl";

/** One importable unit: a file or a zip member. */
export interface InputUnit {
  kind: "input";
  /** File path, or `archive.zip!member/path` for zip members. */
  source: string;
  /** Bytes this unit accounts for in the progress total (compressed size for zip members). */
  progressSize: number;
  /** Bytes the stream will deliver. */
  streamSize: number;
  open(): Promise<Readable>;
}

/** An input that could not be opened or listed. */
export interface InputError {
  kind: "error";
  source: string;
  reason: string;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP_MAGIC = [0x50, 0x4b, 0x05, 0x06];

async function startsWith(path: string, magics: number[][]): Promise<boolean> {
  const fh = await fsp.open(path, "r");
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    return bytesRead === 4 && magics.some((m) => m.every((b, i) => buf[i] === b));
  } finally {
    await fh.close();
  }
}

const reason = (e: unknown) => {
  const err = e as NodeJS.ErrnoException;
  if (err.code === "ENOENT") return "no such file or directory";
  if (err.code === "EACCES") return "permission denied";
  return err.message;
};

/** Every importable unit under paths, in order; problems are yielded, not thrown. */
export async function* walkInputs(paths: Iterable<string>): AsyncGenerator<InputUnit | InputError> {
  for (const p of paths) yield* walkPath(p);
}

async function* walkPath(path: string): AsyncGenerator<InputUnit | InputError> {
  let st;
  try {
    st = await fsp.stat(path);
  } catch (e) {
    yield { kind: "error", source: path, reason: reason(e) };
    return;
  }
  if (st.isDirectory()) {
    let names: string[];
    try {
      names = (await fsp.readdir(path)).filter((n) => !n.startsWith(".")).sort();
    } catch (e) {
      yield { kind: "error", source: path, reason: reason(e) };
      return;
    }
    for (const n of names) yield* walkPath(join(path, n));
    return;
  }
  if (!st.isFile()) {
    yield { kind: "error", source: path, reason: "not a file or directory" };
    return;
  }
  let isZip = false;
  try {
    isZip = st.size >= 4 && (await startsWith(path, [ZIP_MAGIC, EMPTY_ZIP_MAGIC]));
  } catch (e) {
    yield { kind: "error", source: path, reason: reason(e) };
    return;
  }
  if (isZip) {
    yield* walkZip(path);
    return;
  }
  yield {
    kind: "input",
    source: path,
    progressSize: st.size,
    streamSize: st.size,
    open: async () => createReadStream(path, { highWaterMark: 256 * 1024 }),
  };
}

/** Members of a zip archive, one at a time (lazyEntries: the next is read on demand). */
async function* walkZip(path: string): AsyncGenerator<InputUnit | InputError> {
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(path, { lazyEntries: true, autoClose: false }, (err, z) => (err ? reject(err) : resolve(z))),
    );
  } catch (e) {
    yield { kind: "error", source: path, reason: `cannot read zip archive: ${reason(e)}` };
    return;
  }
  try {
    for (;;) {
      let entry: yauzl.Entry | null;
      try {
        entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
          const onEntry = (e: yauzl.Entry) => {
            cleanup();
            resolve(e);
          };
          const onEnd = () => {
            cleanup();
            resolve(null);
          };
          const onError = (err: Error) => {
            cleanup();
            reject(err);
          };
          const cleanup = () => {
            zip.off("entry", onEntry);
            zip.off("end", onEnd);
            zip.off("error", onError);
          };
          zip.on("entry", onEntry);
          zip.on("end", onEnd);
          zip.on("error", onError);
          zip.readEntry();
        });
      } catch (e) {
        yield { kind: "error", source: path, reason: `cannot read zip archive: ${reason(e)}` };
        return;
      }
      if (!entry) return;
      const name = entry.fileName;
      if (name.endsWith("/") || name.split("/").some((part) => part.startsWith(".") || part === "__MACOSX")) continue;
      const e = entry;
      yield {
        kind: "input",
        source: `${path}!${name}`,
        progressSize: e.compressedSize,
        streamSize: e.uncompressedSize,
        open: () =>
          new Promise<Readable>((resolve, reject) =>
            zip.openReadStream(e, (err, stream) => (err ? reject(err) : resolve(stream))),
          ),
      };
    }
  } finally {
    zip.close();
  }
}

/** Total progress size of everything under paths (a stat walk; zips count as their file size). */
export async function totalInputBytes(paths: Iterable<string>): Promise<number> {
  let total = 0;
  const walk = async (p: string): Promise<void> => {
    let st;
    try {
      st = await fsp.stat(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      let names: string[] = [];
      try {
        names = await fsp.readdir(p);
      } catch {
        return;
      }
      for (const n of names) if (!n.startsWith(".")) await walk(join(p, n));
    } else if (st.isFile()) total += st.size;
  };
  for (const p of paths) await walk(p);
  return total;
}
