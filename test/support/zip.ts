/**
 * A minimal zip writer (deflate or stored members) for tests and benchmarks that need
 * archives shaped like the registry's bulk download. Not used by eligo itself.
 */
import { createWriteStream } from "node:fs";
import { crc32, deflateRawSync } from "node:zlib";

export interface ZipMember {
  name: string;
  data: Buffer | string;
}

/** Writes members to path as a zip archive; members may be a lazy iterable. */
export async function writeZip(path: string, members: Iterable<ZipMember>, opts: { store?: boolean } = {}): Promise<void> {
  const out = createWriteStream(path);
  const write = (b: Buffer) =>
    new Promise<void>((resolve, reject) => (out.write(b, (e) => (e ? reject(e) : resolve())) as unknown));
  const central: Buffer[] = [];
  let offset = 0;
  let count = 0;
  for (const m of members) {
    const data = Buffer.isBuffer(m.data) ? m.data : Buffer.from(m.data, "utf8");
    const name = Buffer.from(m.name, "utf8");
    const body = opts.store ? data : deflateRawSync(data);
    const method = opts.store ? 0 : 8;
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(0, 10); // time, date
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x0800, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt32LE(0, 12);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(data.length, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    await write(Buffer.concat([local, name]));
    await write(body);
    offset += 30 + name.length + body.length;
    count++;
  }
  const cdBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(cdBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  await write(cdBuf);
  await write(end);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}
