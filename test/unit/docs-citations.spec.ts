// Every "lxp-protocol.md §N" / "pylon-protocol.md §N" the code, tests, simulators and docs cite is a
// section heading of that page, and every bare §N inside a docs page is a heading of the same page:
// renumbering a section, or citing one that does not exist, fails here.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = join(__dirname, "..", "..");
const DOCS = join(ROOT, "docs");
const SOURCE_DIRS = ["nodes", "sim", "bin", "test", "scripts", "bench", "resources"];
const SOURCE_FILE = /\.(ts|js|mjs|cjs|html)$/;

/** A section id such as 8, 8.6, 4c or 12.6. */
const SECTION = String.raw`\d+[a-z]?(?:\.\d+)?`;
/** One citation: the page, then §ids joined by commas or dashes ("§4c, §4d, §9", "§2–§6"). */
const CITATION = new RegExp(String.raw`\b(lxp-protocol|pylon-protocol|lxp-payloads|pylon-payloads)\.md ((?:§${SECTION}(?:\s*[,–-]\s*(?=§))?)+)`, "g");
const BARE = new RegExp(String.raw`(?<![\w.-]\.md )§(${SECTION})`, "g");

interface Citation {
  page: string;
  section: string;
  where: string;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "node_modules" || name === "fixtures") return [];
    return statSync(path).isDirectory() ? filesUnder(path) : SOURCE_FILE.test(name) ? [path] : [];
  });
}

function sectionsOf(page: string): Set<string> {
  const text = readFileSync(join(DOCS, page), "utf8");
  return new Set([...text.matchAll(new RegExp(String.raw`^#{2,4} (${SECTION})[.\s]`, "gm"))].map((m) => m[1]));
}

function citations(path: string, ownPage?: string): Citation[] {
  const out: Citation[] = [];
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((line, i) => {
      const where = `${relative(ROOT, path)}:${i + 1}`;
      for (const m of line.matchAll(CITATION)) {
        for (const s of m[2].matchAll(new RegExp(`§(${SECTION})`, "g"))) out.push({ page: `${m[1]}.md`, section: s[1], where });
      }
      if (ownPage) for (const m of line.matchAll(BARE)) out.push({ page: ownPage, section: m[1], where });
    });
  return out;
}

describe("section citations", () => {
  const pages = readdirSync(DOCS).filter((n) => n.endsWith(".md"));
  const headings = new Map(pages.map((p) => [p, sectionsOf(p)]));

  it("the protocol pages keep the section numbers the code cites", () => {
    const lxp = headings.get("lxp-protocol.md");
    const pylon = headings.get("pylon-protocol.md");
    for (const s of ["1", "2", "3", "4c", "4d", "5", "6", "7", "8", "8.6", "8.7", "9", "10", "11", "12", "12.6", "15"]) {
      assert.ok(lxp?.has(s), `lxp-protocol.md §${s}`);
    }
    for (const s of ["0", "1", "2", "2.1", "2.2", "2.3", "2.4", "3", "4", "4.1", "4.2", "4.3", "4.4", "5", "5.1", "5.9", "6", "7", "8", "9", "9.5", "9.9", "14"]) {
      assert.ok(pylon?.has(s), `pylon-protocol.md §${s}`);
    }
  });

  it("every §N cited in the repository exists", () => {
    const cited = [
      ...SOURCE_DIRS.flatMap((d) => filesUnder(join(ROOT, d))).flatMap((f) => citations(f)),
      ...citations(join(ROOT, "README.md")),
      ...pages.flatMap((p) => citations(join(DOCS, p), p)),
    ];
    assert.ok(cited.filter((c) => !c.where.startsWith("docs/")).length >= 60, "the code's citations were found");
    const broken = cited.filter((c) => !headings.get(c.page)?.has(c.section)).map((c) => `${c.where}: ${c.page} §${c.section}`);
    assert.deepEqual(broken, []);
  });
});
