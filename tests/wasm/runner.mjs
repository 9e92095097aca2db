// Runs MicroPython checks on MicroPython's WebAssembly port (npm @micropython/micropython-webassembly-pyscript).
//
//   node runner.mjs --module PATH/micropython.mjs --script checks.py [--vectors protocol.json] FILE.py...
//
// Each FILE is written flat (by its base name) into MicroPython's file system root, as on a board;
// the vectors file, when it exists, as /protocol.json. The script's stdout lines
// "KBRESULT {json}" are collected; everything else is console output. Prints one JSON document:
// {micropython, results: [...], console: [...], error: null | text, done, ms}. Exit status 0 when
// the script ran (whatever its checks found), 2 when it could not be run at all.
import { readFileSync, existsSync } from "node:fs";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";

function usage(message) {
  process.stderr.write(`runner.mjs: ${message}\n` +
    "usage: node runner.mjs --module micropython.mjs --script checks.py [--vectors protocol.json] FILE.py...\n");
  process.exit(2);
}

function parseArgs(argv) {
  const args = { files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--module" || a === "--script" || a === "--vectors") {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      args[a.slice(2)] = argv[++i];
    } else if (a.startsWith("--")) {
      usage(`unknown option ${a}`);
    } else {
      args.files.push(a);
    }
  }
  if (!args.module) usage("--module is required");
  if (!args.script) usage("--script is required");
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(args.module)) usage(`no MicroPython module at ${args.module}; run tools/install-test-deps`);
  const { loadMicroPython } = await import(pathToFileURL(resolve(args.module)).href);

  const results = [];
  const consoleLines = [];
  let done = false;
  const onLine = (line) => {
    if (line.startsWith("KBRESULT ")) results.push(JSON.parse(line.slice(9)));
    else if (line === "KBDONE") done = true;
    else consoleLines.push(line);
  };
  const mp = await loadMicroPython({ stdout: onLine, stderr: (line) => consoleLines.push(line) });

  const written = new Map();
  for (const file of args.files) {
    const name = basename(file);
    if (written.has(name)) usage(`two files named ${name}: ${written.get(name)} and ${file}`);
    written.set(name, file);
    mp.FS.writeFile("/" + name, readFileSync(file));
  }
  if (args.vectors && existsSync(args.vectors)) mp.FS.writeFile("/protocol.json", readFileSync(args.vectors));

  const started = Date.now();
  let error = null;
  // The script runs as an imported module, so its tracebacks name the file.
  const script = basename(args.script);
  if (!script.endsWith(".py") || written.has(script)) usage(`the script must be a .py file apart from the others`);
  mp.FS.writeFile("/" + script, readFileSync(args.script));
  try {
    mp.runPython("import " + script.slice(0, -3));
  } catch (e) {
    // A PythonError's message is the MicroPython traceback; anything else is the port failing.
    error = e && e.name === "PythonError" ? e.message : String(e && e.stack ? e.stack : e);
  }
  const version = mp.pyimport("sys").version;
  process.stdout.write(JSON.stringify({
    micropython: version, results, console: consoleLines, error, done, ms: Date.now() - started,
  }) + "\n");
}

main().catch((e) => {
  process.stderr.write(`runner.mjs: ${e && e.stack ? e.stack.split("\n").slice(0, 3).join("\n") : e}\n`);
  process.exit(2);
});
