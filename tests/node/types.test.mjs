// The package's TypeScript declarations are exact enough for a strict
// TypeScript consumer to type-check, and wrong use is rejected. The
// wasm-bindgen declarations give each class `[Symbol.dispose]()` (for `using`),
// so a consumer needs `esnext.disposable` in `lib` (TypeScript >= 5.2) or
// `skipLibCheck`; the README says so.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const tsc = fileURLToPath(new URL("./node_modules/typescript/bin/tsc", import.meta.url));

function typeCheck(file) {
  try {
    execFileSync(process.execPath, [tsc, "--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--lib", "es2022,dom,esnext.disposable", "--skipLibCheck", "false", file], { cwd: here, encoding: "utf8" });
    return "";
  } catch (err) {
    return String(err.stdout) + String(err.stderr);
  }
}

test("a strict TypeScript consumer type-checks against the package", () => {
  assert.equal(typeCheck("types/ok.ts"), "");
});

test("misuse is a type error (declarations are not `any`)", () => {
  const out = typeCheck("types/wrong.ts");
  assert.match(out, /error TS/);
  assert.match(out, /wrong\.ts/);
});
