# Helpers of the wasm layer's checks (checks.py, wasm_vectors.py), on MicroPython 1.27: results
# out as "KBRESULT {json}" lines, requests in, answers checked against an independent checksum.
# Written in the firmware's MicroPython subset, like the code it tests.
import io
import json
import sys

import kb_agent
import kb_board as B
import kb_hal_fake as H

H_PINS = [w.rstrip('.') for w in B.PINS.split()]
OPS = ('read', 'write', 'analog', 'pwm', 'pull')
LETTER = {'read': 'I', 'write': 'O', 'analog': 'A', 'pwm': 'P', 'pull': 'I'}


class Skip(Exception):
    pass




def report(name, ok, skip=None, detail=''):
    print('KBRESULT ' + json.dumps({'name': name, 'ok': ok, 'skip': skip, 'detail': detail}))


def fail(msg):
    raise AssertionError(msg)


def eq(got, want, what):
    if got != want:
        fail('%s: got %r, want %r' % (what, got, want))


def fletcher(s):
    # the protocol's checksum, written again here so the firmware's own ck() is tested, not trusted
    a = b = 0
    for c in bytes(s, 'ascii'):
        a = (a + c) % 255
        b = (b + a) % 255
    return '%04x' % (b * 256 + a)


def req(rid, text):
    body = '%d %s' % (rid, text)
    return bytes(body + ' *' + fletcher(body) + '\n', 'ascii')


def fresh(ms=1000):
    H.clear()
    H.now[0] = ms
    return kb_agent.Agent(H)


def taken():
    # the lines written since the last call; every write must end a line
    t = ''.join(H.out)
    del H.out[:]
    if t and t[-1] != '\n':
        fail('output does not end with a newline: %r' % t)
    return t.split('\n')[:-1] if t else []


def ask(ag, data):
    ag.feed(data)
    ag.poll()
    return taken()


def words(line):
    # a framed line's words, after checking its checksum
    if line[-6:-4] != ' *':
        fail('not a frame: %r' % line)
    eq(line[-4:], fletcher(line[:-6]), 'checksum of %r' % line)
    return line[:-6].split(' ')


def answer(ag, rid, text):
    # the one framed answer to request rid: ['ok', ...] or ['err', CODE, ...]
    got = ask(ag, req(rid, text))
    eq(len(got), 1, 'answers to %r (%r)' % (text, got))
    w = words(got[0])
    eq(w[0], '@%d' % rid, 'id of the answer to %r' % text)
    return w[1:]


def ok(ag, rid, text):
    w = answer(ag, rid, text)
    if w[0] != 'ok':
        fail('%r answered %r' % (text, ' '.join(w)))
    return ' '.join(w[1:])


def pins(c):
    return [i for i in range(len(H_PINS)) if H_PINS[i] != '-' and c in H_PINS[i]]


def printable(line):
    for ch in line:
        if ord(ch) < 32 or ord(ch) > 126:
            return False
    return True


def trace(e):
    s = io.StringIO()
    sys.print_exception(e, s)
    return s.getvalue()
