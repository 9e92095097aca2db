# tools/fuzz's script for MicroPython's WebAssembly port (run by tests/wasm/runner.mjs): reads
# /fuzz_inputs.bin (per input: piece count, then each piece as 2-byte length + bytes) and reports.
import json

import fuzz_agent


def inputs(f):
    while True:
        n = f.read(1)
        if not n:
            return
        pieces = []
        for _ in range(n[0]):
            size = f.read(2)
            pieces.append(f.read(size[0] * 256 + size[1]))
        yield pieces


fz = fuzz_agent.Fuzz()
with open('/fuzz_inputs.bin', 'rb') as f:
    for pieces in inputs(f):
        fz.one(pieces)
print('KBRESULT ' + json.dumps({'name': 'fuzz', 'inputs': fz.inputs, 'crashes': fz.crashes,
                                'internal': fz.internal, 'first': fz.first, 'hello': fz.hello_after()}))
