/**
 * uuencode, as old mailers still send it: `begin 644 name` blocks inside a text part, or a whole
 * part with `Content-Transfer-Encoding: x-uuencode` (mailparser leaves both undecoded). No
 * maintained npm package decodes it (`uuencode` 0.0.4 is unmaintained since 2014), so this is a
 * small, strict decoder: a block that does not decode cleanly is left as it was, never half-decoded.
 */

export interface UuFile {
  filename: string;
  content: Buffer;
}

const BEGIN = /^begin [0-7]{3,4} ([^\r\n]+)\r?$/;

/** Decodes the lines between `begin` and `end`; undefined when any line is not valid uuencode. */
function decodeLines(lines: string[]): Buffer | undefined {
  const out: number[] = [];
  for (const line of lines) {
    if (line === "") continue;
    const length = (line.charCodeAt(0) - 32) & 63;
    if (length === 0) continue;
    const chars = line.slice(1);
    if (chars.length < Math.ceil(length / 3) * 4 - 1) return undefined;
    const bytes: number[] = [];
    for (let i = 0; bytes.length < length; i += 4) {
      const c = [0, 1, 2, 3].map((k) => (chars.charCodeAt(i + k) - 32) & 63);
      if (c.some(Number.isNaN)) return undefined;
      bytes.push(((c[0]! << 2) | (c[1]! >> 4)) & 255, ((c[1]! << 4) | (c[2]! >> 2)) & 255, ((c[2]! << 6) | c[3]!) & 255);
    }
    out.push(...bytes.slice(0, length));
  }
  return Buffer.from(out);
}

/**
 * Takes the uuencoded files out of a text: the text without their blocks, and the files.
 *
 * @example
 * const { text, files } = extractUuencoded("See file\nbegin 644 hi.txt\n\"8FD*\n`\nend\n");
 * text;  // "See file\n"
 * files; // [{ filename: "hi.txt", content: <Buffer 62 64 0a> }]
 */
export function extractUuencoded(source: string): { text: string; files: UuFile[] } {
  if (!/^begin [0-7]{3,4} /m.test(source)) return { text: source, files: [] };
  const lines = source.split("\n");
  const kept: string[] = [];
  const files: UuFile[] = [];
  for (let i = 0; i < lines.length; i++) {
    const begin = BEGIN.exec(lines[i]!);
    const end = begin ? lines.findIndex((line, j) => j > i && line.replace(/\r$/, "") === "end") : -1;
    const content =
      begin && end > i ? decodeLines(lines.slice(i + 1, end).map((line) => line.replace(/\r$/, "").replace(/^`$/, ""))) : undefined;
    if (!begin || !content) {
      kept.push(lines[i]!);
      continue;
    }
    files.push({ filename: begin[1]!.trim().slice(0, 512), content });
    i = end;
  }
  return { text: kept.join("\n"), files };
}
