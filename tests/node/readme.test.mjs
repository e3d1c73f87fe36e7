// Every ```js example in README.md runs, as written, against the installed
// package (tests/node/node_modules/lighttouch) and must exit cleanly.
// A `console.log(...); // → value` line promises its output: the printed lines
// must equal those values, in order, so a wrong promise in the README fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const blocks = [...readme.matchAll(/^```js\n([\s\S]*?)^```/gm)].map((m) => m[1]);
const dir = `${here}.readme-examples`;
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

test("README.md has JavaScript examples", () => {
  assert.ok(blocks.length >= 3, `found ${blocks.length} js blocks`);
});

blocks.forEach((code, i) => {
  const firstLine = code.split("\n").find((l) => l.trim()) ?? "";
  test(`README example ${i + 1}: ${firstLine.slice(0, 60)}`, () => {
    const file = `${dir}/example-${i + 1}.mjs`;
    writeFileSync(file, code);
    let stdout;
    try {
      stdout = execFileSync(process.execPath, ["--import", `${here}readme-prelude.mjs`, file], { cwd: here, encoding: "utf8", stdio: "pipe" });
    } catch (err) {
      assert.fail(`example ${i + 1} failed:\n${code}\n--- stderr ---\n${err.stderr}`);
    }
    const promised = [...code.matchAll(/console\.log\(.*\/\/ → (.*)$/gm)].map((m) => m[1].trim());
    assert.deepEqual(stdout.split("\n").filter((l) => l !== ""), promised, `example ${i + 1} printed something other than its // → comments promise`);
  });
});
